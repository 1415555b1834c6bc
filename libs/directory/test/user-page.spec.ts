import { managerOf } from '../src/users/user.mapper';
import { managerIdOf, userPageResources, userPageText, type UserPage } from '../src/users/user-page';
import type { StoredUser } from '../src/users/users.repository';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = 'https://roster.example/scim/v2/acme';

function stored(id: string, documentText: string, active = true): StoredUser {
  return {
    id,
    active,
    version: 3,
    createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    updatedAt: new Date(Date.UTC(2026, 1, 2, 3, 4, 5)),
    documentText,
    inAnyGroup: true,
  };
}

function page(users: StoredUser[], extra: Partial<UserPage> = {}): UserPage {
  return {
    listing: { total: users.length, totalCapped: false, startIndex: 1, projection: {} },
    users,
    groups: new Map(),
    managers: new Set(),
    baseUrl: BASE,
    ...extra,
  };
}

// PostgreSQL's jsonb text (a space after each colon and comma): the stored text itself is what goes out.
const PG_TEXT = `{"title": "Dr \\"Q\\"", "active": true, "userName": "q@example.com", "externalId": "ext-1", "${ENT}": {"department": "R&D"}}`;

describe('a page of users as text', () => {
  it('sends a stored document as it is, with the same resource as the object path', () => {
    const users = [stored('0190a0a0-0000-7000-8000-000000000001', PG_TEXT)];
    const groups = new Map([[users[0].id, [{ value: 'g1', display: 'Learners "A"' }]]]);
    const text = userPageText(page(users, { groups }));
    expect(text).toContain('"title": "Dr \\"Q\\"", "active": true'); // not re-serialised
    const body = JSON.parse(text);
    expect(body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 1,
      startIndex: 1,
      itemsPerPage: 1,
      Resources: userPageResources(page(users, { groups })),
    });
    expect(body.Resources[0].schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENT]);
    expect(body.Resources[0].groups).toEqual([{ value: 'g1', $ref: `${BASE}/Groups/g1`, display: 'Learners "A"', type: 'direct' }]);
    expect(body.Resources[0].meta).toEqual({
      resourceType: 'User',
      created: '2026-01-02T03:04:05.000Z',
      lastModified: '2026-02-02T03:04:05.000Z',
      location: `${BASE}/Users/${users[0].id}`,
      version: 'W/"3"',
    });
  });

  it('names an extension in schemas only when the document holds it as a member, not as a value', () => {
    const text = userPageText(page([stored('u2', `{"userName":"a","active":true,"title":"${ENT}"}`)]));
    expect(JSON.parse(text).Resources[0].schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
  });

  it('names every extension the document holds, wherever its members stand, and says the same as the object path', () => {
    const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
    const documents = [
      `{"${ROSTER}":{"learnerId":"L-1"},"userName":"a","active":true,"${ENT}":{"department":"R&D"}}`,
      // A value that begins like an extension's name, before the member itself.
      `{"title":"urn:ietf:params:scim:schemas:extension:x","userName":"b","active":true,"${ROSTER}":{"learnerId":"L-2"}}`,
      `{"userName":"c","active":true}`,
    ];
    const users = documents.map((text, i) => stored(`0190a0a0-0000-7000-8000-00000000000${i}`, text));
    const body = JSON.parse(userPageText(page(users)));
    expect(body.Resources.map((r: { schemas: string[] }) => r.schemas)).toEqual([
      ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, ROSTER],
      ['urn:ietf:params:scim:schemas:core:2.0:User', ROSTER],
      ['urn:ietf:params:scim:schemas:core:2.0:User'],
    ]);
    expect(body.Resources).toEqual(userPageResources(page(users)));
  });

  it("splices a manager's $ref into the stored text, only for a manager the tenant holds", () => {
    const manager = '0190a0a0-0000-7000-8000-0000000000aa';
    const users = [
      stored('u3', `{"userName":"m","active":true,"${ENT}":{"manager":{"value":"${manager.toUpperCase()}"},"department":"R&D"}}`),
      stored('u6', `{"active": true, "${ENT}": {"manager": {"value": "unknown", "displayName": "X"}}, "userName": "n"}`),
      stored('u7', `{"active": true, "${ENT}": {"manager": {"displayName": "}\\"", "value": "${manager}"}}, "userName": "p"}`),
    ];
    const withManagers = page(users, { managers: new Set([manager]) });
    const text = userPageText(withManagers);
    expect(text).toContain(`"manager":{"value":"${manager.toUpperCase()}","$ref":"${BASE}/Users/${manager}"},"department":"R&D"`);
    expect(text).toContain(`"manager": {"value": "unknown", "displayName": "X"}}`);
    const full = JSON.parse(text).Resources;
    expect(full).toEqual(userPageResources(withManagers));
    expect(JSON.stringify(full)).toBe(JSON.stringify(userPageResources(withManagers))); // attribute order too
    expect(full[2][ENT].manager).toEqual({ displayName: '}"', value: manager, $ref: `${BASE}/Users/${manager}` });
  });

  it('reads the manager id from the text as managerOf reads the parsed document', () => {
    const documents = [
      `{"${ENT}": {"manager": {"value": "a\\"b"}}}`,
      `{"${ENT}": {"manager": {"value": 7}}}`,
      `{"${ENT}": {"manager": "id-as-string"}}`,
      `{"${ENT}": "not an object", "manager": {"value": "top-level"}}`,
      `{"other": {"manager": {"value": "elsewhere"}}}`,
      `{"${ENT}": {"manager": {"value": "first"}, "manager": {"value": "last"}}}`,
      '{"userName": "no manager"}',
    ];
    for (const text of documents) expect(managerIdOf(stored('u', text))).toBe(managerOf({ document: JSON.parse(text) }));
  });

  it('takes the object path for a projection and a document without active', () => {
    const users = [stored('u3', `{"userName":"m","active":true}`), stored('u4', '{"userName":"old"}', false)];
    const full = JSON.parse(userPageText(page(users))).Resources;
    expect(full[1].active).toBe(false); // from its column
    const projected = JSON.parse(userPageText(page(users, { listing: { total: 2, totalCapped: false, projection: { attributes: ['userName'] } } })));
    expect(projected.Resources.map((r: object) => Object.keys(r))).toEqual([
      ['schemas', 'id', 'userName'],
      ['schemas', 'id', 'userName'],
    ]);
  });

  it('takes the object path for a stored text that is not a bare object, and the page stays valid JSON', () => {
    const users = [stored('u5', ' {"userName":"padded","active":true}\n')];
    expect(JSON.parse(userPageText(page(users))).Resources).toEqual(userPageResources(page(users)));
  });

  it('says nextCursor and leaves startIndex out on a cursor page, and keeps Resources present when empty', () => {
    const body = JSON.parse(userPageText(page([], { listing: { total: 0, totalCapped: false, nextCursor: 'abc', projection: {} } })));
    expect(body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      itemsPerPage: 0,
      nextCursor: 'abc',
      Resources: [],
    });
  });
});
