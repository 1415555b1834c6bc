import { Urn } from '../messages/urns';
import { ScimLimits } from '../limits';
import { attr, type SchemaDefinition } from './attribute';

// RFC 7643 §4.2.
export const groupSchema: SchemaDefinition = {
  id: Urn.Group,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr.string('displayName', { required: true, uniqueness: 'server', maxLength: 512 }),
    attr.complex(
      'members',
      [
        attr.string('value', { mutability: 'immutable', caseExact: true, required: true, description: "The member's id: a user of this tenant." }),
        // Groups hold users only: a group sent as a member is refused, so only User is advertised.
        attr.reference('$ref', ['User'], { mutability: 'immutable' }),
        attr.string('display', { mutability: 'readOnly' }),
        attr.string('type', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
      { multiValued: true, maxItems: ScimLimits.maxMemberValues },
    ),
  ],
};
