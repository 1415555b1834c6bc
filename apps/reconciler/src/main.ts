import '../../api/src/node-guard';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@roster/config';
import { createLogger, PinoNestLogger } from '@roster/platform';
import { parseReconcileArguments, USAGE } from './arguments';
import { reconcile } from './reconcile';
import { ReconcilerModule } from './reconciler.module';

// The nightly job (`npm run reconcile [-- --repair]`), started by an external scheduler. Exit codes:
// 0 no drift (or all repaired), 1 drift found, 2 could not run.
async function main(): Promise<number> {
  let args;
  try {
    args = parseReconcileArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  const repair = args.repair;
  const app = await NestFactory.createApplicationContext(ReconcilerModule.forRoot(config, (m) => logger.debug({ context: 'mikro-orm' }, m)), {
    logger: new PinoNestLogger(logger),
  });
  try {
    const summary = await reconcile(app, config, logger, repair);
    return summary.drift > summary.repaired ? 1 : 0;
  } catch (error) {
    logger.error({ err: error }, 'reconciliation failed');
    return 2;
  } finally {
    await app.close();
  }
}

main().then((code) => process.exit(code));
