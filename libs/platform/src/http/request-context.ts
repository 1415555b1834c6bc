import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestIdStore } from '../logging/logger';

export const REQUEST_ID_HEADER = 'x-request-id';

declare module 'express-serve-static-core' {
  interface Request {
    requestId?: string;
  }
}

/** Called once a request's answer has gone, with how long it took (the SCIM request log listens). */
export type AnsweredListener = (req: Request, res: Response, ms: number) => void;

/**
 * Gives every request an id (a sane incoming X-Request-Id is kept) and logs one line per request.
 * Only method, path, status and timing are logged: never headers, bodies or query strings (filters
 * carry people's email addresses). `answered` listeners share the one 'finish' listener per request.
 */
export function requestContext(logger: Logger, answered: AnsweredListener[] = []) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const id = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ requestId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
      for (const listener of answered) listener(req, res, ms);
    });
    // Everything that runs on behalf of this request, however deep, logs with its id.
    requestIdStore.run(id, next);
  };
}

// Okta/Entra admins paste base URLs with or without trailing slashes; `…/acme//Users` must still route.
export function collapseSlashes(req: Request, _res: Response, next: NextFunction) {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));
  next();
}
