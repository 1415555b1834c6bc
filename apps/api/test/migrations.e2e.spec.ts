import { MikroORM } from '@mikro-orm/core';
import pino from 'pino';
import request from 'supertest';
import { databaseSchema, SQLITE_SEARCH_TRIGGERS } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { buildOrmOptions, MigrationRunner } from '@roster/platform';
import { loadConfig } from '@roster/config';
import { createApp } from '../src/create-app';
import { createTestDatabase, dialects, reportSkippedPostgres } from '../../../test/support/databases';

reportSkippedPostgres();

describe.each(dialects())('migrations on %s', (dialect) => {
  it('bring a fresh database to a schema with no drift from the entities', async () => {
    const db = await createTestDatabase(dialect);
    const orm = await MikroORM.init(buildOrmOptions(db.config, databaseSchema, migrations));
    try {
      const applied = await orm.migrator.up();
      expect(applied.length).toBe(migrations[dialect].length);
      expect(await orm.migrator.getPending()).toEqual([]);
      // Diff between the entities and the migrated database: empty when migrations and entities agree.
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
      // The schema comparator checks a trigger's name, not its body: SQLite's search triggers are compared here.
      if (dialect === 'sqlite') {
        const declared = Object.values(SQLITE_SEARCH_TRIGGERS).flat();
        const migrated = (await orm.em.getConnection().execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")) as {
          name: string;
          sql: string;
        }[];
        const text = (sql: string) =>
          sql
            .replace(/\s+/g, ' ')
            .replace(/;?\s*$/, '')
            .replace(/^create trigger/i, 'create trigger'); // SQLite stores its own keywords in capitals
        for (const trigger of declared)
          expect([trigger.name, text(migrated.find((row) => row.name === trigger.name)?.sql ?? '')]).toEqual([trigger.name, text(trigger.sql)]);
      }
    } finally {
      await orm.close();
      await db.drop();
    }
  });

  it('lets several processes start at once on one fresh database', async () => {
    const db = await createTestDatabase(dialect);
    const config = { ...loadConfig({}), database: db.config };
    const apps = await Promise.all([1, 2, 3].map(() => createApp(config, pino({ level: 'silent' }))));
    try {
      await Promise.all(apps.map((app) => app.get(MigrationRunner).run()));
      for (const app of apps) expect(await app.get(MikroORM).migrator.getPending()).toEqual([]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await db.drop();
    }
  });

  it('npm start on an already-migrated database applies nothing and serves; /health is 503 until migrated', async () => {
    const db = await createTestDatabase(dialect);
    const config = { ...loadConfig({ ROSTER_ADMIN_TOKEN: 'x'.repeat(20) }), database: db.config };
    const logger = pino({ level: 'silent' });
    try {
      for (const round of [1, 2]) {
        const app = await createApp(config, logger);
        await app.init();
        const http = request(app.getHttpServer());
        if (round === 1) {
          const starting = await http.get('/health');
          expect(starting.status).toBe(503);
          expect(starting.body).toEqual({ status: 'starting', database: dialect });
          // Readiness says the same; liveness says the process is up (no restart needed while migrating).
          expect((await http.get('/health/ready')).status).toBe(503);
          expect((await http.get('/health/live').expect(200)).body).toEqual({ status: 'ok', database: dialect });
          expect((await http.get('/admin/v1/tenants').set('Authorization', `Bearer ${'x'.repeat(20)}`)).status).toBe(503);
        }
        await app.get(MigrationRunner).run();
        await http.get('/health').expect(200);
        await http.get('/health/ready').expect(200);
        await http
          .post('/admin/v1/tenants')
          .set('Authorization', `Bearer ${'x'.repeat(20)}`)
          .send({ name: `Round ${round}` })
          .expect(201);
        const orm = app.get(MikroORM);
        expect(await orm.migrator.getPending()).toEqual([]);
        await app.close();
      }
    } finally {
      await db.drop();
    }
  });
});
