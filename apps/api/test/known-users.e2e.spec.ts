import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MigrationRunner } from '@roster/platform';
import { createApp } from '../src/create-app';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const patchOp = (path: string, value: unknown) => ({ Operations: [{ op: 'replace', path, value }] });

// A process updates the users it last wrote or read without reading them again (KnownUsers). Another
// process (a second replica, or the admin API elsewhere) may have changed them meanwhile: every such
// change must still be built upon, never overwritten.
describe.each(dialects())('updates of users this process remembers, on %s', (dialect) => {
  let t: TestApp;
  let other: NestExpressApplication;
  let elsewhere: TestAgent;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  const create = async (userName: string, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth())
        .send({ userName, ...extra })
        .expect(201)
    ).body;
  const patchHere = (id: string, body: object) => t.http.patch(`${tenant.base}/Users/${id}`).set(auth()).send(body).expect(200);
  const patchElsewhere = (id: string, body: object) => elsewhere.patch(`${tenant.base}/Users/${id}`).set(auth()).send(body).expect(200);
  const trail = async (id: string) =>
    (await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?resourceId=${id}`).set(admin).expect(200)).body.items.map(
      (event: { action: string; changes: { path: string }[] }) => `${event.action} ${event.changes.map((c) => c.path).join(',')}`,
    );

  beforeAll(async () => {
    t = await startTestApp(dialect);
    other = await createApp(t.config, pino({ level: 'silent' }));
    await other.get(MigrationRunner).run();
    await other.init();
    elsewhere = request(other.getHttpServer());
    tenant = await createTenant(t, 'Remembered');
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('refuses bad updates of a remembered user as of any other, writing nothing, and never across tenants', async () => {
    const user = await create('ugly-cases@example.com', { title: 'Analyst' });
    const patch = (body: string | object, auth_ = auth()) =>
      t.http.patch(`${tenant.base}/Users/${user.id}`).set(auth_).set('Content-Type', 'application/scim+json').send(body);
    const scimError = (status: number, scimType?: string) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      ...(scimType ? { scimType } : {}),
    });
    expect((await patch('{"Operations": [').expect(400)).body).toMatchObject(scimError(400, 'invalidSyntax'));
    expect((await patch(patchOp('active', 'sometimes')).expect(400)).body).toMatchObject(scimError(400, 'invalidValue'));
    expect((await patch(patchOp('noSuchAttribute', 'x')).expect(400)).body).toMatchObject(scimError(400));
    expect((await patch(patchOp('emails[type eq', 'x')).expect(400)).body).toMatchObject(scimError(400, 'invalidPath'));
    // Another tenant names the same id: its own directory has no such user, whatever this process remembers.
    const stranger = await createTenant(t, 'Stranger');
    await t.http
      .patch(`${stranger.base}/Users/${user.id}`)
      .set({ Authorization: `Bearer ${stranger.token}` })
      .send(patchOp('title', 'Intruder'))
      .expect(404);
    const stored = (await t.http.get(`${tenant.base}/Users/${user.id}`).set(auth()).expect(200)).body;
    expect(stored).toMatchObject({ title: 'Analyst', meta: { version: 'W/"1"' } });
    // The refused attempts that reached the service are audited as such, with no change; the malformed body
    // and the other tenant's request never named this user.
    expect(await trail(user.id)).toEqual(['user.updated ', 'user.updated ', 'user.updated ', expect.stringMatching(/^user\.created /)]);
  });

  it('builds on a change made in another process since this one wrote the user', async () => {
    const user = await create('built-upon@example.com', { title: 'Analyst' });
    await patchElsewhere(user.id, patchOp('title', 'Manager'));
    const patched = await patchHere(user.id, patchOp('displayName', 'Built Upon'));
    expect(patched.body).toMatchObject({ title: 'Manager', displayName: 'Built Upon', meta: { version: 'W/"3"' } });
    expect((await t.http.get(`${tenant.base}/Users/${user.id}`).set(auth()).expect(200)).body).toMatchObject({ title: 'Manager', displayName: 'Built Upon' });
    // Each update's audit event holds its own change only: this process did not write "Analyst" back.
    expect(await trail(user.id)).toEqual(['user.updated displayName', 'user.updated title', expect.stringMatching(/^user\.created /)]);
  });

  it('does not take "nothing to change" from what it remembers: a deactivation after a reactivation elsewhere lands', async () => {
    const user = await create('deactivated@example.com');
    await patchHere(user.id, patchOp('active', false));
    await patchElsewhere(user.id, patchOp('active', true));
    // Here the user is remembered inactive, so the request changes nothing on what this process remembers.
    const patched = await patchHere(user.id, patchOp('active', false));
    expect(patched.body).toMatchObject({ active: false, meta: { version: 'W/"4"' } });
    expect((await t.http.get(`${tenant.base}/Users/${user.id}`).set(auth()).expect(200)).body.active).toBe(false);
  });

  it('a user deleted and restored elsewhere is updated as restored, not as remembered', async () => {
    const user = await create('restored@example.com', { title: 'Analyst' });
    await patchElsewhere(user.id, patchOp('title', 'Manager'));
    await elsewhere.delete(`${tenant.base}/Users/${user.id}`).set(auth()).expect(204);
    await elsewhere.post(`/admin/v1/tenants/${tenant.id}/deleted-users/${user.id}/restore`).set(admin).expect(200);
    // Remembered here at version 1 with title Analyst; restored at version 3 with title Manager.
    const patched = await patchHere(user.id, patchOp('displayName', 'Restored'));
    expect(patched.body).toMatchObject({ title: 'Manager', displayName: 'Restored', meta: { version: 'W/"4"' } });
  });

  it('a user deleted elsewhere is a 404, and a user deleted here is forgotten', async () => {
    const gone = await create('gone-elsewhere@example.com');
    await elsewhere.delete(`${tenant.base}/Users/${gone.id}`).set(auth()).expect(204);
    await t.http.patch(`${tenant.base}/Users/${gone.id}`).set(auth()).send(patchOp('title', 'x')).expect(404);
    const deleted = await create('gone-here@example.com');
    await t.http.delete(`${tenant.base}/Users/${deleted.id}`).set(auth()).expect(204);
    await t.http.patch(`${tenant.base}/Users/${deleted.id}`).set(auth()).send(patchOp('title', 'x')).expect(404);
  });

  it('answers with the groups and manager the user has now, whoever changed them', async () => {
    const manager = await create('the-manager@example.com');
    const user = await create('grouped@example.com');
    const group = (
      await elsewhere
        .post(`${tenant.base}/Groups`)
        .set(auth())
        .send({ displayName: 'Joined elsewhere', members: [{ value: user.id }] })
        .expect(201)
    ).body;
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const patched = await patchHere(user.id, { Operations: [{ op: 'add', path: `${enterprise}:manager`, value: manager.id }] });
    expect(patched.body.groups).toEqual([expect.objectContaining({ value: group.id, display: 'Joined elsewhere' })]);
    expect(patched.body[enterprise].manager).toEqual({ value: manager.id, $ref: expect.stringMatching(new RegExp(`/Users/${manager.id}$`)) });
    // A manager that is no user of the tenant gets no $ref.
    const unknown = await patchHere(user.id, { Operations: [{ op: 'replace', path: `${enterprise}:manager`, value: 'not-a-user-yet' }] });
    expect(unknown.body[enterprise].manager).toEqual({ value: 'not-a-user-yet' });
  });

  it('PUT after GET: a user read here is updated without another read, and still only if unchanged', async () => {
    const user = await create('put@example.com', { title: 'Analyst' });
    const read = (await elsewhere.get(`${tenant.base}/Users/${user.id}`).set(auth()).expect(200)).body;
    await patchHere(user.id, patchOp('nickName', 'Changed here'));
    // The other process read version 1; its PUT replaces the user as a PUT does, on top of version 2.
    const put = await elsewhere
      .put(`${tenant.base}/Users/${user.id}`)
      .set(auth())
      .send({ ...read, title: 'Director' })
      .expect(200);
    expect(put.body).toMatchObject({ title: 'Director', meta: { version: 'W/"3"' } });
    expect(put.body.nickName).toBeUndefined();
  });
});
