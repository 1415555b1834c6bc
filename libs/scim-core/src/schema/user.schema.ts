import { Urn } from '../messages/urns';
import { attr, multiValuedSubAttributes, type SchemaDefinition } from './attribute';

// RFC 7643 §4.1 (core User). ims, entitlements, roles and x509Certificates are left out: no IdP we serve
// maps them; unknown attributes in requests are ignored, not rejected.
export const userSchema: SchemaDefinition = {
  id: Urn.User,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr.string('userName', { required: true, uniqueness: 'server', maxLength: 512, description: 'Unique identifier for the User, as sent by the client.' }),
    attr.complex(
      'name',
      [
        attr.string('formatted'),
        attr.string('familyName'),
        attr.string('givenName'),
        attr.string('middleName'),
        attr.string('honorificPrefix'),
        attr.string('honorificSuffix'),
      ],
      { description: "The components of the user's real name." },
    ),
    attr.string('displayName', { maxLength: 512 }),
    attr.string('nickName'),
    attr.reference('profileUrl', ['external']),
    attr.string('title'),
    attr.string('userType'),
    attr.string('preferredLanguage'),
    attr.string('locale'),
    attr.string('timezone'),
    attr.boolean('active', { description: 'false means the learner is archived (deprovisioned), not deleted.' }),
    attr.string('password', { mutability: 'writeOnly', returned: 'never', caseExact: true, description: 'Accepted and discarded: Roster is SSO-backed.' }),
    attr.complex(
      'emails',
      multiValuedSubAttributes(attr.string('value', { maxLength: 512, required: true, description: 'The address; an entry without one is refused.' }), [
        'work',
        'home',
        'other',
      ]),
      {
        multiValued: true,
        distinctValues: true,
        required: true,
        description:
          "Every learner is identified by an email address (the primary, else the first work, else the first), unique in the tenant. May be omitted when userName is an email address: that address is then recorded as the user's primary work email.",
      },
    ),
    attr.complex('phoneNumbers', multiValuedSubAttributes(attr.string('value'), ['work', 'home', 'mobile', 'fax', 'pager', 'other']), { multiValued: true }),
    attr.complex(
      'addresses',
      [
        attr.string('formatted'),
        attr.string('streetAddress'),
        attr.string('locality'),
        attr.string('region'),
        attr.string('postalCode'),
        attr.string('country'),
        attr.string('type', { canonicalValues: ['work', 'home', 'other'] }),
        attr.boolean('primary'),
      ],
      { multiValued: true },
    ),
    attr.complex('photos', multiValuedSubAttributes(attr.reference('value', ['external']), ['photo', 'thumbnail']), { multiValued: true }),
    attr.complex(
      'groups',
      [
        attr.string('value', { mutability: 'readOnly' }),
        attr.reference('$ref', ['User', 'Group'], { mutability: 'readOnly' }),
        attr.string('display', { mutability: 'readOnly' }),
        attr.string('type', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
      { multiValued: true, mutability: 'readOnly', description: 'Direct group memberships; change them through /Groups.' },
    ),
  ],
};

// RFC 7643 §4.3.
export const enterpriseUserSchema: SchemaDefinition = {
  id: Urn.EnterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr.string('employeeNumber'),
    attr.string('costCenter'),
    attr.string('organization'),
    attr.string('division'),
    attr.string('department'),
    attr.complex('manager', [
      attr.string('value', {
        caseExact: true,
        description:
          "The manager's id. Stored as sent, whether or not it names a user of this tenant yet (IdPs may send their own ids, or a manager before the manager is provisioned).",
      }),
      attr.reference('$ref', ['User'], {
        mutability: 'readOnly',
        description: 'The URI of the manager, computed by Roster when value names a user of this tenant.',
      }),
      attr.string('displayName', { mutability: 'readOnly' }),
    ]),
  ],
};

// The learner attributes the seed integrations sync. To add one: add an entry here (and, only if it
// must be indexed, a column in users.storage.ts). It then shows in /Schemas, validates, filters and projects.
export const rosterUserSchema: SchemaDefinition = {
  id: Urn.RosterUser,
  name: 'RosterUser',
  description: 'Learner attributes',
  attributes: [
    attr.string('job_role', {
      description: "The learner's role, which decides the training assigned to them (often mapped from the directory's user type or job title).",
    }),
    attr.string('company', { description: 'The company or organisation the learner belongs to, for reporting across subsidiaries.' }),
    attr.string('business_unit', { description: "The learner's business unit or cost centre, for assignments and reporting." }),
    attr.string('team_name', { description: "The learner's team or division, for assignments and reporting." }),
    attr.boolean('security_champion', { description: 'Whether the learner is a security champion, who gets the advanced programme; false unless set.' }),
  ],
};

const EMAIL_SHAPED = /^[^\s@]+@[^\s@]+$/;

/** A user sent without emails but with an email-shaped userName gets that address as its primary work email. */
export function emailFromUserName(document: Record<string, unknown>): void {
  if (document.emails === undefined && typeof document.userName === 'string' && EMAIL_SHAPED.test(document.userName)) {
    document.emails = [{ value: document.userName, type: 'work', primary: true }];
  }
}
