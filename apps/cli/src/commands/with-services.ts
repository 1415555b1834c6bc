import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { loadConfig } from '@roster/config';
import { MigrationRunner } from '@roster/platform';
import { AppModule } from '../../../api/src/app.module';

/** Boots the same modules as the server (no HTTP), migrates, and runs `work` in a request context. */
export async function withServices<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  // The CLI does its one job and exits: it never delivers event streams meanwhile.
  const config = loadConfig({ ...process.env, ROSTER_EVENTS_DISPATCH: 'off' });
  if (config.database.dialect === 'sqlite' && config.database.path !== ':memory:') {
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(config.database.path), { recursive: true });
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { lockWait: 'batch' }), { logger: ['error', 'warn'] });
  try {
    await app.get(MigrationRunner).run();
    const orm = app.get(MikroORM);
    return await RequestContext.create(orm.em, () => work(app));
  } finally {
    await app.close();
  }
}
