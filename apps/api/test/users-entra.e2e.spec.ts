import { expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// Replays of what Microsoft Entra ID sends (docs/idp-behaviour.md), with and without aadOptscim062020.
describe.each(
  dialects().flatMap((d) => [
    [d, ''],
    [d, '?aadOptscim062020'],
  ]),
)('Entra ID user flows on %s %s', (dialect, flag) => {
  let t: TestApp;
  let tenant: TestTenant;
  const entra = () => ({ Authorization: `Bearer ${tenant.token}`, 'Content-Type': 'application/scim+json' });
  const url = (path: string) => `${tenant.base}${path}${flag ? (path.includes('?') ? '&' : '?') + flag.slice(1) : ''}`;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Entra tenant');
  });
  afterAll(async () => t?.close());

  const create = async (userName: string, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(url('/Users'))
        .set(entra())
        .send({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
          externalId: `ext-${userName}`,
          userName,
          active: true,
          emails: [{ primary: true, type: 'work', value: `${userName}@testuser.com` }],
          meta: { resourceType: 'User' },
          name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
          roles: [],
          ...extra,
        })
        .expect(201)
    ).body;

  const patch = (id: string, ...Operations: unknown[]) =>
    t.http
      .patch(url(`/Users/${id}`))
      .set(entra())
      .send({ schemas: [PATCH_OP], Operations });

  it('F-EN-1: Test Connection with a random GUID, + for spaces', async () => {
    const res = await t.http.get(url('/Users?filter=userName+eq+%22a0f1c3f2-5c7e-4b5a-9e4e-3b2f8d1a6c11%22')).set(entra()).expect(200);
    expect(res.body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('F-EN-2: query, then POST with meta, roles:[], nulls and the enterprise URN', async () => {
    const userName = 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee';
    expect(
      (
        await t.http
          .get(url(`/Users?filter=userName+eq+%22${userName}%22`))
          .set(entra())
          .expect(200)
      ).body.totalResults,
    ).toBe(0);
    const user = await create(userName, { addresses: null, phoneNumbers: null, title: null });
    expect(user.userName).toBe(userName);
    expect(user.externalId).toBe(`ext-${userName}`);
    // lost-response retry: the next cycle's query must find it, case-insensitively
    const again = await t.http
      .get(url(`/Users?filter=userName+eq+%22${userName.toLowerCase()}%22`))
      .set(entra())
      .expect(200);
    expect(again.body.Resources[0].id).toBe(user.id);
  });

  it('F-EN-3: read, and 404 with a string status when missing', async () => {
    const user = await create('read.me');
    await t.http
      .get(url(`/Users/${user.id}`))
      .set(entra())
      .expect(200);
    const missing = await t.http.get(url('/Users/5d48a0a8e9f04aa38008')).set(entra());
    expectScimError(missing, 404);
  });

  it('F-EN-4: multi-attribute update (both dialects of the flag)', async () => {
    const user = await create('update.me');
    const ops = flag
      ? [
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
          { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENT}:employeeNumber`]: 'Aklq' } },
        ]
      : [
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
          { op: 'Replace', path: 'name.familyName', value: 'Unua' },
          { op: 'Replace', path: 'name.givenName', value: 'Kkom' },
          { op: 'Replace', path: 'displayName', value: 'Bjfe' },
          { op: 'Replace', path: `${ENT}:employeeNumber`, value: 'Aklq' },
          { op: 'Add', path: 'nickName', value: 'Babs' },
        ];
    const res = await patch(user.id, ...ops).expect(200);
    expect(res.body.emails[0].value).toBe('TestMhvaes@test.microsoft.com');
    expect(res.body.name).toMatchObject({ givenName: 'Kkom', familyName: 'Unua' });
    expect(res.body[ENT].employeeNumber).toBe('Aklq');
    // stored as sent: Entra re-sends anything that does not read back exactly
    const byEmail = await t.http.get(url('/Users?filter=emails[type+eq+%22work%22].value+eq+%22testmhvaes@test.microsoft.com%22')).set(entra()).expect(200);
    expect(byEmail.body.Resources[0].emails[0].value).toBe('TestMhvaes@test.microsoft.com');
  });

  it('F-EN-4: Add on an absent work email creates it; lookups by emails.value and externalId work', async () => {
    const user = await create('no.email@example.com', { emails: undefined });
    // A user sent without emails gets its email-shaped userName as primary work email, so the work email
    // exists and the Add sets its value (on a user with no work email, the quirk creates one: see below).
    expect(user.emails).toEqual([{ value: 'no.email@example.com', type: 'work', primary: true }]);
    const res = await patch(user.id, { op: 'Add', path: 'emails[type eq "work"].value', value: 'created@example.com' }).expect(200);
    expect(res.body.emails).toEqual([{ value: 'created@example.com', type: 'work', primary: true }]);
    const home = await create('home.only@example.com', { emails: [{ value: 'home.only@example.org', type: 'home' }] });
    const added = await patch(home.id, { op: 'Add', path: 'emails[type eq "work"].value', value: 'work.added@example.com' }).expect(200);
    expect(added.body.emails).toEqual([
      { value: 'home.only@example.org', type: 'home' },
      { type: 'work', value: 'work.added@example.com' },
    ]);
    expect((await t.http.get(url('/Users?filter=emails.value+eq+%22CREATED@example.com%22')).set(entra()).expect(200)).body.totalResults).toBe(1);
    expect((await t.http.get(url('/Users?filter=externalId+eq+%22ext-no.email@example.com%22')).set(entra()).expect(200)).body.totalResults).toBe(1);
    expect((await t.http.get(url('/Users?filter=externalId+eq+%22EXT-no.email@example.com%22')).set(entra()).expect(200)).body.totalResults).toBe(0);
  });

  it('F-EN-4 / validator test 16: empty strings then nulls clear optional attributes', async () => {
    const user = await create('null.update', { title: 'T', nickName: 'N', [ENT]: { department: 'D' } });
    await patch(user.id, { op: 'Replace', path: 'title', value: '' }, { op: 'Replace', path: `${ENT}:department`, value: '' }).expect(200);
    const res = await patch(user.id, { op: 'Replace', path: 'nickName', value: null }).expect(200);
    expect(res.body.title).toBeUndefined();
    expect(res.body.nickName).toBeUndefined();
    expect(res.body[ENT]).toBeUndefined();
  });

  it('F-EN-5/6: disable and re-enable, "False"/"True" or booleans', async () => {
    const user = await create('disable.me');
    const off = await patch(user.id, { op: flag ? 'replace' : 'Replace', path: 'active', value: flag ? false : 'False' }).expect(200);
    expect(off.body.active).toBe(false);
    expect(
      (
        await t.http
          .get(url(`/Users/${user.id}`))
          .set(entra())
          .expect(200)
      ).body.active,
    ).toBe(false);
    const on = await patch(user.id, { op: flag ? 'replace' : 'Replace', path: 'active', value: flag ? true : 'True' }).expect(200);
    expect(on.body.active).toBe(true);
    expectScimError(await patch(user.id, { op: 'Replace', path: 'active', value: 'yes' }), 400, 'invalidValue');
  });

  it('F-EN-7: hard delete, then 404 on every verb and the userName and email are free again', async () => {
    const user = await create('delete.me');
    await t.http
      .delete(url(`/Users/${user.id}`))
      .set(entra())
      .expect(204);
    expectScimError(await t.http.get(url(`/Users/${user.id}`)).set(entra()), 404);
    expectScimError(await patch(user.id, { op: 'replace', path: 'title', value: 'x' }), 404);
    expectScimError(
      await t.http
        .put(url(`/Users/${user.id}`))
        .set(entra())
        .send({ userName: 'delete.me@x.com' }),
      404,
    );
    expectScimError(await t.http.delete(url(`/Users/${user.id}`)).set(entra()), 404);
    expect((await t.http.get(url('/Users?filter=userName+eq+%22delete.me%22')).set(entra()).expect(200)).body.totalResults).toBe(0);
    await create('delete.me');
  });

  it('F-EN-8: manager as a plain id, as [{$ref,value}], the pre-check filter, and clearing', async () => {
    const boss = await create('boss');
    const other = await create('other.boss');
    const report = await create('report');
    const set = await patch(report.id, { op: 'Add', path: `${ENT}:manager`, value: boss.id }).expect(200);
    expect(set.body[ENT].manager).toEqual({ value: boss.id, $ref: `${t.config.publicUrl}${tenant.base}/Users/${boss.id}` });
    const check = await t.http
      .get(url(`/Users?filter=id+eq+%22${report.id}%22+and+manager+eq+%22${boss.id}%22&attributes=id`))
      .set(entra())
      .expect(200);
    expect(check.body.totalResults).toBe(1);
    expect(Object.keys(check.body.Resources[0]).sort()).toEqual(['id', 'schemas']);
    const changed = await patch(report.id, { op: 'Add', path: 'manager', value: [{ $ref: `http://x/scim/Users/${other.id}`, value: other.id }] }).expect(200);
    // $ref is always the URI of the user named by value, computed by Roster, whatever the IdP sent.
    expect(changed.body[ENT].manager).toEqual({ value: other.id, $ref: `${t.config.publicUrl}${tenant.base}/Users/${other.id}` });
    const cleared = await patch(report.id, { op: 'Replace', path: 'manager', value: '' }).expect(200);
    expect(cleared.body[ENT]).toBeUndefined();
    // Entra may send a manager before that manager is provisioned: stored as sent, never a reason to refuse.
    const early = await patch(report.id, { op: 'Add', path: `${ENT}:manager`, value: '00000000-0000-4000-8000-000000000000' }).expect(200);
    expect(early.body[ENT].manager).toEqual({ value: '00000000-0000-4000-8000-000000000000' }); // no such user: no $ref
  });

  it('F-EN-9: role PATCHes never cause a 500', async () => {
    const user = await create('roles', { roles: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }] });
    await patch(user.id, { op: 'Add', path: 'roles', value: [{ value: '{"id":"06b0","value":"25","displayName":"Role1234"}' }] }).expect(200);
    await patch(user.id, { op: 'replace', path: 'roles', value: [{ primary: false, type: 'x', value: 'y' }] }).expect(200);
  });
});
