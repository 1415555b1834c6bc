import type { Logger } from 'pino';

/**
 * Keeps a long-running process (the API server, the dispatcher) alive when something throws where no
 * request can carry the error: a stream callback, a timer, a background task, a promise nobody awaits.
 * Every request already ends in a SCIM error response; such an error would otherwise end every tenant's
 * service. It is logged (level error, with its stack) and counted, and the process goes on: each
 * request and each background task works on its own state, so one failed callback leaves nothing shared
 * half-done. `onError` lets the caller count it (roster_uncaught_errors_total).
 */
export function guardProcess(logger: Logger, onError: (kind: 'exception' | 'rejection') => void = () => undefined): void {
  process.on('uncaughtException', (error) => {
    onError('exception');
    logger.error({ err: error }, 'uncaught exception (the process goes on)');
  });
  process.on('unhandledRejection', (reason) => {
    onError('rejection');
    logger.error({ err: reason }, 'unhandled promise rejection (the process goes on)');
  });
}
