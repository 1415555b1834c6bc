import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, UserResourceType, GroupResourceType, type ResourceType } from '@roster/scim-core';
import { contractComponents, scimResourceSchemas, withScimResourceSchemas } from '../src/contract/scim-resource-schemas';

// The contract's User, Group and extension components and the registry that validates requests say the same
// thing, attribute by attribute (types, required, mutability, returned, caseExact, uniqueness, canonical
// values, reference types, sub-attributes, limits). `npm run openapi:scim` rewrites them when this fails.
const contract = readFileSync(join(__dirname, '..', '..', '..', 'openapi', 'roster.openapi.yaml'), 'utf8');

describe('the contract and the schema registry', () => {
  it('describe every SCIM resource alike', () => {
    const generated = scimResourceSchemas();
    expect(Object.keys(generated).sort()).toEqual([
      'EnterpriseUser',
      'Group',
      'GroupAttributes',
      'GroupWrite',
      'RosterUser',
      'User',
      'UserAttributes',
      'UserWrite',
    ]);
    expect(contractComponents(contract, Object.keys(generated))).toEqual(generated);
  });

  it('would differ after an attribute is added to the registry only, or changed in either', () => {
    const extended: ResourceType = {
      ...UserResourceType,
      extensions: UserResourceType.extensions.map((extension, i) =>
        i === 1 ? { ...extension, schema: { ...extension.schema, attributes: [...extension.schema.attributes, attr.string('location')] } } : extension,
      ),
    };
    const withExtra = scimResourceSchemas([extended, GroupResourceType]);
    expect(contractComponents(contract, Object.keys(withExtra))).not.toEqual(withExtra);
    const edited = contract.replace('security_champion: { type: boolean', 'security_champion: { type: string');
    expect(edited).not.toBe(contract);
    expect(contractComponents(edited, ['RosterUser'])).not.toEqual({ RosterUser: scimResourceSchemas().RosterUser });
  });

  it('are rewritten in place, leaving the rest of the contract as it is', () => {
    expect(withScimResourceSchemas(contract)).toBe(contract);
  });
});
