import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type RosterConfig } from '@roster/config';
import { MigrationRunner, requestIdMixin } from '@roster/platform';
import { createApp } from '../../apps/api/src/create-app';
import { createTestDatabase, type Dialect } from './databases';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  config: RosterConfig;
  dialect: Dialect;
  /** Everything the app logged, as JSON lines (for "no secrets in logs" assertions). */
  logs: string[];
  close(): Promise<void>;
}

/** The real application over a real HTTP server and a fresh database of the given dialect. */
export async function startTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const config = {
    ...loadConfig({
      ROSTER_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      ROSTER_PUBLIC_URL: 'https://roster.test',
      ROSTER_TENANT_RATE_LIMIT: '1000000',
      ...env,
    }),
    database: database.config,
  };
  const logs: string[] = [];
  const logger = pino(
    { level: 'info', redact: ['authorization', '*.authorization'], mixin: requestIdMixin },
    { write: (line: string) => void logs.push(line) },
  );
  const app = await createApp(config, logger);
  await app.get(MigrationRunner).run();
  await app.init();
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    config,
    dialect,
    logs,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export interface TestTenant {
  id: string;
  slug: string;
  token: string;
  base: string;
}

/** A tenant with its first token, created through the admin API. */
export async function createTenant(t: TestApp, name = `Tenant ${Math.random().toString(36).slice(2, 8)}`): Promise<TestTenant> {
  const tenant = await t.http.post('/admin/v1/tenants').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ name }).expect(201);
  return { id: tenant.body.id, slug: tenant.body.slug, token: tenant.body.token.token, base: `/scim/v2/${tenant.body.slug}` };
}
