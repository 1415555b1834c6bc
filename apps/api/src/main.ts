import './node-guard';
import './v8-settings';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@roster/config';
import { createLogger, guardProcess, HeavyReads, MigrationRunner, RosterMetrics } from '@roster/platform';
import { createApp } from './create-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.database.dialect === 'sqlite' && config.database.path !== ':memory:') {
    const { mkdirSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(config.database.path), { recursive: true });
  }
  const app = await createApp(config, logger);
  const metrics = app.get(RosterMetrics);
  guardProcess(logger, (kind) => metrics.countUncaught(kind));
  // Clean shutdown: stop accepting, finish in-flight requests, close the database, exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  await app.listen(config.port);
  const url = await app.getUrl();
  logger.info({ url, database: config.database.dialect }, 'listening; migrating the database');
  if (!config.adminToken) logger.warn('ROSTER_ADMIN_TOKEN is not set: the admin API answers 503 (the CLI still works)');
  try {
    await app.get(MigrationRunner).run();
    app.get(HeavyReads).warmUp();
    logger.info('ready');
  } catch (error) {
    logger.fatal({ err: error }, 'database migration failed');
    await app.close();
    process.exit(1);
  }
}

void main();
