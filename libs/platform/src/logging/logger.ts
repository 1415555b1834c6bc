import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** The id of the request being served, for every log line written while serving it (set by requestContext). */
export const requestIdStore = new AsyncLocalStorage<string>();

/** pino `mixin`: adds the current request's id to any line logged on its behalf, by any module. */
export function requestIdMixin(): { requestId?: string } {
  const requestId = requestIdStore.getStore();
  return requestId ? { requestId } : {};
}

// Defence in depth: even if a caller logs a request or headers, these paths are censored.
const REDACT = ['authorization', 'headers.authorization', 'req.headers.authorization', 'password', '*.password', 'token', '*.token'];

/** Standard output unless `destination` says otherwise (pino's default: written in the background). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'roster' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin: requestIdMixin,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's own log lines, as JSON through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
