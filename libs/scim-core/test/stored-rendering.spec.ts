import { toListResponse, toListResponseText } from '../src/messages/list-response';
import { isDefaultProjection, projectResource, rendersAsStored } from '../src/query/projection';
import { toResourceDocument } from '../src/resource/document';
import { attr } from '../src/schema/attribute';
import { GroupResourceType, UserResourceType } from '../src/schema/registry';
import type { ResourceType } from '../src/schema/resource-type';
import { Urn } from '../src/messages/urns';

// A page may send stored documents as they are (the directory's list path) only where the default
// projection of a canonical document is the document itself.
describe('stored documents in the default representation', () => {
  it('render as they are for Users and Groups: their only hidden writable attribute (password) is never stored', () => {
    expect(rendersAsStored(UserResourceType)).toBe(true);
    expect(rendersAsStored(GroupResourceType)).toBe(true);
    const document = toResourceDocument(UserResourceType, {
      userName: 'a@example.com',
      password: 'secret',
      emails: [{ value: 'a@example.com', primary: true }],
      [Urn.EnterpriseUser]: { department: 'R&D', manager: { value: 'x' } },
    });
    expect(projectResource(UserResourceType, { ...document })).toEqual(document);
  });

  it('do not when a writable attribute, or a sub-attribute of one, is returned only on request or never', () => {
    const withAttribute = (extra: ReturnType<typeof attr.string>): ResourceType => ({
      ...UserResourceType,
      schema: { ...UserResourceType.schema, attributes: [...UserResourceType.schema.attributes, extra] },
    });
    expect(rendersAsStored(withAttribute(attr.string('nickname2', { returned: 'request' })))).toBe(false);
    expect(rendersAsStored(withAttribute(attr.complex('badge', [attr.string('secretCode', { returned: 'never' })])))).toBe(false);
    expect(rendersAsStored(withAttribute(attr.string('computedScore', { mutability: 'readOnly', returned: 'request' })))).toBe(true);
  });

  it('are sent only without attributes or excludedAttributes', () => {
    expect(isDefaultProjection({})).toBe(true);
    expect(isDefaultProjection({ attributes: [] })).toBe(true);
    expect(isDefaultProjection({ attributes: ['userName'] })).toBe(false);
    expect(isDefaultProjection({ excludedAttributes: ['emails'] })).toBe(false);
  });
});

describe('a ListResponse as text', () => {
  it.each([
    [{ totalResults: 7, startIndex: 3 }, [{ id: 'a' }, { id: 'b', x: [1, { y: 'é"' }] }]],
    [{ totalResults: 0, nextCursor: 'c1' }, []],
  ])('is the ListResponse toListResponse shapes, key order included', (page, resources) => {
    const text = toListResponseText(
      resources.map((r) => JSON.stringify(r)),
      page,
    );
    expect(text).toBe(JSON.stringify(toListResponse(resources, page)));
  });
});
