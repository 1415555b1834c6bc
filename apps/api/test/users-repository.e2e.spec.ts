import { MikroORM, type EntityManager } from '@mikro-orm/core';
import { UsersRepository, writeAll, type UserEntity } from '@roster/directory';
import { parseListQuery, UserResourceType } from '@roster/scim-core';
import { deriveUserColumns } from '../../../libs/directory/src/users/user.columns';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

// The statement that updates a user assigns only the derived columns whose values change: SQLite rewrites
// the entry of every index over an assigned column even when the value stays, so an Okta deactivation
// would dirty the userName, email and externalId index pages for nothing.
describe.each(dialects())('the user update statement on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let em: EntityManager;
  let users: UsersRepository;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Repository');
    em = t.app.get(MikroORM).em.fork();
    users = t.app.get(UsersRepository);
  });
  afterAll(async () => t?.close());

  /** The stored user, and the same user with its document changed by `change` (derived columns re-derived). */
  async function revision(id: string, change: (document: UserEntity['document']) => void): Promise<{ before: UserEntity; after: UserEntity }> {
    const before = (await users.findById(em, tenant.id, id))!.user;
    const document = structuredClone(before.document);
    change(document);
    const { emails: _emails, ...columns } = deriveUserColumns(document);
    return { before, after: { ...before, ...columns, document, updatedAt: new Date() } };
  }
  const assigned = (sql: string) => [...sql.matchAll(/(\w+) = \?/g)].map((m) => m[1]).filter((c) => !['tenant_id', 'id', 'version'].includes(c));

  it('a deactivation assigns active and the document, none of the indexed identity columns', async () => {
    const created = (
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth())
        .send({ userName: 'Idx@Example.com', externalId: 'ext-idx', emails: [{ value: 'idx@example.com' }] })
    ).body;
    const { before, after } = await revision(created.id, (document) => (document.active = false));
    const statements = users.update(em, before, after, deriveUserColumns(after.document), false);
    expect(statements).toHaveLength(1);
    expect(assigned(statements[0].sql)).toEqual(['active', 'document', 'document_bytes', 'updated_at']);
    await expect(writeAll(em, statements, { firstMustChange: true })).resolves.toEqual({ changed: 1 });
    const read = (await t.http.get(`${tenant.base}/Users/${created.id}`).set(auth()).expect(200)).body;
    expect(read).toMatchObject({ active: false, userName: 'Idx@Example.com', externalId: 'ext-idx', meta: { version: 'W/"2"' } });
  });

  it('a userName change assigns the userName columns, and lookups follow it', async () => {
    const created = (await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'before@example.com' })).body;
    const { before, after } = await revision(created.id, (document) => (document.userName = 'After@Example.com'));
    const statements = users.update(em, before, after, deriveUserColumns(after.document), false);
    expect(assigned(statements[0].sql)).toEqual(['user_name', 'user_name_ci', 'document', 'document_bytes', 'updated_at']);
    await writeAll(em, statements, { firstMustChange: true });
    const found = async (userName: string) =>
      (
        await t.http
          .get(`${tenant.base}/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)
          .set(auth())
          .expect(200)
      ).body.totalResults;
    expect([await found('after@example.com'), await found('before@example.com')]).toEqual([1, 0]);
  });

  it('a count asked to stop stops there and says so; one that need not stop is exact', async () => {
    const counted = await createTenant(t, 'Counted');
    for (let i = 0; i < 5; i++)
      await t.http
        .post(`${counted.base}/Users`)
        .set({ Authorization: `Bearer ${counted.token}` })
        .send({ userName: `cap${i}@example.com` })
        .expect(201);
    const query = parseListQuery(UserResourceType, { filter: 'userName sw "cap"', count: '2' }, t.config.scim);
    expect(await users.list(em, counted.id, query, { countUpTo: 3 })).toMatchObject({ total: 3, totalCapped: true });
    expect(await users.list(em, counted.id, query, { countUpTo: 5 })).toMatchObject({ total: 5, totalCapped: false });
    expect(await users.list(em, counted.id, query)).toMatchObject({ total: 5, totalCapped: false });
  });
});
