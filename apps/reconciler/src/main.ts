import '../../api/src/node-guard';
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@roster/config';
import { PinoNestLogger } from '@roster/platform';
import { parseReconcileArguments, USAGE } from './arguments';
import { jobLogger, progressLine, summaryTable, tenantLine } from './output';
import { needsAttention, reconcile } from './reconcile';
import { ReconcilerModule } from './reconciler.module';
import { acquireRunLock } from './run-lock';

// The nightly job (`npm run reconcile`), started by an external scheduler.
// Exit codes: 0 nothing needs action, 1 findings that need an operator (FINDINGS_NEEDING_ACTION), 2 could not run.
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
    // The nightly job never delivers event streams.
    config = loadConfig({ ...process.env, ROSTER_EVENTS_DISPATCH: 'off' });
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 2;
  }
  const interactive = process.stderr.isTTY === true;
  // On a terminal the progress bar and the table speak; log lines would only interleave with them.
  const logger = jobLogger(interactive ? 'error' : config.logLevel);
  const release = await acquireRunLock(config.database).catch((error: unknown) => {
    process.stderr.write(`could not take the run lock: ${(error as Error).message}\n`);
    return null;
  });
  if (release === null) return 2;
  if (!release) {
    process.stderr.write('another nightly run is in progress on this database; not starting a second one\n');
    return 2;
  }
  const app = await NestFactory.createApplicationContext(
    ReconcilerModule.forRoot(config, (m) => logger.debug({ context: 'mikro-orm' }, m)),
    {
      logger: new PinoNestLogger(logger),
    },
  );
  try {
    const report = await reconcile(app, config, logger, {
      repair: args.repair,
      dryRun: args.dryRun,
      tenant: args.tenant,
      onProgress: interactive ? (progress) => process.stderr.write(progressLine(progress)) : undefined,
      onTenant: interactive ? () => process.stderr.write('\n') : (result) => process.stdout.write(`${tenantLine(result)}\n`),
    });
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    if (interactive) process.stdout.write(summaryTable(report));
    else process.stdout.write(`${JSON.stringify({ msg: 'nightly run finished', ...report.summary, maxRssBytes: report.maxRssBytes })}\n`);
    return needsAttention(report) ? 1 : 0;
  } catch (error) {
    logger.error({ err: error }, 'the nightly run failed');
    process.stderr.write(`the nightly run failed: ${(error as Error).message}\n`);
    return 2;
  } finally {
    await app.close();
    await release();
  }
}

void main().then((code) => process.exit(code));
