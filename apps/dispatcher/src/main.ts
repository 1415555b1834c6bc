import '../../api/src/node-guard';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@roster/config';
import { PushDispatcher } from '@roster/directory';
import { createLogger, guardProcess, MigrationRunner, PinoNestLogger } from '@roster/platform';
import { DispatcherModule } from './dispatcher.module';

const USAGE = `Usage: npm run dispatch

Delivers the push event streams (RFC 8935) of every tenant until stopped (SIGTERM or SIGINT). Run it
beside API servers started with ROSTER_EVENTS_DISPATCH=off; any number of dispatchers and API servers
may share one PostgreSQL database: each stream is delivered by one process at a time.
Environment: DATABASE_URL, ROSTER_PUBLIC_URL (the SETs' issuer), ROSTER_EVENTS_ALLOW_INSECURE, LOG_LEVEL.`;

// Exit codes: 0 stopped cleanly, 2 could not start.
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.length) {
    process.stderr.write(`Unknown argument: ${args[0]}\n\n${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(
    DispatcherModule.forRoot(config, (m) => logger.debug({ context: 'mikro-orm' }, m)),
    { logger: new PinoNestLogger(logger) },
  );
  try {
    await app.get(MigrationRunner).run();
  } catch (error) {
    logger.fatal({ err: error }, 'database migration failed');
    await app.close();
    return 2;
  }
  guardProcess(logger);
  app.get(PushDispatcher).start();
  logger.info('dispatching push event streams');
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  logger.info('stopping: finishing in-flight deliveries');
  await app.close();
  return 0;
}

void main().then((code) => process.exit(code));
