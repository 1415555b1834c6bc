import { toResourceDocument } from '../src/resource/document';
import { projectResource } from '../src/query/projection';
import { parseListQuery } from '../src/query/list-query';
import { UserResourceType } from '../src/schema/registry';
import { ScimError } from '../src/errors';
import { Urn } from '../src/messages/urns';

const limits = { defaultCount: 100, maxResults: 1000 };

describe('RFC 7644 §3.3 request bodies', () => {
  it('keeps what it stores, ignores readOnly, unknown and null, discards password', () => {
    const doc = toResourceDocument(UserResourceType, {
      schemas: [Urn.User, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/User'],
      id: 'client-id',
      UserName: 'Runscope123Abc@atko.com',
      password: '1mz050nq',
      groups: [],
      roles: [],
      meta: { resourceType: 'User', created: '04-12-2018 00:00:00' },
      addresses: null,
      title: null,
      adreses: 'typo',
      active: 'True',
      emails: [{ Primary: true, value: 'Runscope123Abc@atko.com', type: 'work' }],
      [Urn.EnterpriseUser]: { Department: 'Sales', manager: { Value: 'm1', displayName: 'ignored' } },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0User': { department: 'typo URN' },
    });
    expect(doc).toEqual({
      userName: 'Runscope123Abc@atko.com',
      active: true,
      emails: [{ primary: true, value: 'Runscope123Abc@atko.com', type: 'work' }],
      [Urn.EnterpriseUser]: { department: 'Sales', manager: { value: 'm1' } },
    });
  });

  it.each([
    [{ userName: 'x', name: 'x' }, 'invalidValue'],
    [{ userName: 'x', active: 'yes' }, 'invalidValue'],
    [{ userName: 'x', emails: 'a@b.c' }, 'invalidValue'],
    [{ userName: true }, 'invalidValue'],
    [{ userName: 'x', phoneNumbers: 5 }, 'invalidValue'],
    [{ name: { givenName: 'x' } }, 'invalidValue'],
    [{ userName: 'x', [Urn.EnterpriseUser]: 'x' }, 'invalidValue'],
    ['just a string', 'invalidSyntax'],
  ])('rejects %j', (body, scimType) => {
    let error: unknown;
    try {
      toResourceDocument(UserResourceType, body);
    } catch (e) {
      error = e;
    }
    expect((error as ScimError).scimType).toBe(scimType);
  });
});

describe('RFC 7644 §3.4.2.5 attributes and excludedAttributes', () => {
  const resource = {
    schemas: [Urn.User, Urn.EnterpriseUser],
    id: 'u1',
    userName: 'a@b.c',
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ value: 'a@b.c', type: 'work' }],
    [Urn.EnterpriseUser]: { department: 'Sales', costCenter: '1' },
    meta: { resourceType: 'User', version: 'W/"1"' },
  };
  it('returns id and schemas always, plus what is asked', () => {
    expect(projectResource(UserResourceType, resource, { attributes: ['userName', 'name.givenName'] })).toEqual({
      schemas: resource.schemas,
      id: 'u1',
      userName: 'a@b.c',
      name: { givenName: 'A' },
    });
  });
  it('selects extension attributes by URN path', () => {
    expect(projectResource(UserResourceType, resource, { attributes: [`${Urn.EnterpriseUser}:department`] })).toEqual({
      schemas: resource.schemas,
      id: 'u1',
      [Urn.EnterpriseUser]: { department: 'Sales' },
    });
  });
  it('excludes attributes, never id', () => {
    const out = projectResource(UserResourceType, resource, { excludedAttributes: ['emails', 'id', 'meta', Urn.EnterpriseUser] });
    expect(out).toEqual({ schemas: resource.schemas, id: 'u1', userName: 'a@b.c', name: { givenName: 'A', familyName: 'B' } });
  });
});

describe('RFC 7644 §3.4.2.4 paging parameters', () => {
  it.each([
    [{}, 1, 100],
    [{ startIndex: '0', count: '-5' }, 1, 0],
    [{ startIndex: '-3', count: '0' }, 1, 0],
    [{ startIndex: '101', count: '100' }, 101, 100],
    [{ count: '1000000' }, 1, 1000],
    [{ StartIndex: '7', COUNT: '2' }, 7, 2],
  ])('%j → startIndex %i, count %i', (raw, startIndex, count) => {
    const q = parseListQuery(UserResourceType, raw, limits);
    expect([q.startIndex, q.count]).toEqual([startIndex, count]);
  });
  it('rejects non-integers', () => {
    expect(() => parseListQuery(UserResourceType, { count: 'ten' }, limits)).toThrow(ScimError);
    expect(() => parseListQuery(UserResourceType, { sortBy: 'nope' }, limits)).toThrow(ScimError);
    expect(() => parseListQuery(UserResourceType, { sortOrder: 'up' }, limits)).toThrow(ScimError);
  });
});
