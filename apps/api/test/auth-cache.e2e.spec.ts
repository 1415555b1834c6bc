import pino from 'pino';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AUTH_CACHE_MS } from '@roster/directory';
import { MigrationRunner } from '@roster/platform';
import { createApp } from '../src/create-app';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

reportSkippedPostgres();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const pastTheCache = () => new Promise((resolve) => setTimeout(resolve, AUTH_CACHE_MS + 100));

// Successful authentications are remembered for AUTH_CACHE_MS in each process: what an administrator
// changes in another process (a second replica, the CLI) must take effect there within that time.
describe.each(dialects())('the authentication cache on %s', (dialect) => {
  let t: TestApp;
  let other: NestExpressApplication;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    other = await createApp(t.config, pino({ level: 'silent' }));
    await other.get(MigrationRunner).run();
    await other.init();
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('a token revoked in another process stops working here within the cache time', async () => {
    const tenant = await createTenant(t, 'Cached');
    const users = () => t.http.get(`${tenant.base}/Users`).set('Authorization', `Bearer ${tenant.token}`);
    await users().expect(200);
    const tokens = (await request(other.getHttpServer()).get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200)).body.items;
    await request(other.getHttpServer()).delete(`/admin/v1/tenants/${tenant.id}/tokens/${tokens[0].id}`).set(admin).expect(204);
    await pastTheCache();
    await users().expect(401);
  });

  it('disabling a tenant in another process takes effect here within the cache time', async () => {
    const tenant = await createTenant(t, 'Disabled elsewhere');
    const users = () => t.http.get(`${tenant.base}/Users`).set('Authorization', `Bearer ${tenant.token}`);
    await users().expect(200);
    await request(other.getHttpServer()).patch(`/admin/v1/tenants/${tenant.id}`).set(admin).send({ scimEnabled: false }).expect(200);
    await pastTheCache();
    await users().expect(403);
  });

  it('never remembers a failure: a token issued elsewhere works here at once', async () => {
    const tenant = await createTenant(t, 'Fresh token');
    const issued = (await request(other.getHttpServer()).post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({}).expect(201)).body.token;
    await t.http.get(`${tenant.base}/Users`).set('Authorization', `Bearer ${issued}`).expect(200);
  });
});
