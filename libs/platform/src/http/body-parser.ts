import express, { type NextFunction, type Request, type Response } from 'express';
import { inspectJson, ScimError, ScimLimits } from '@roster/scim-core';

const JSON_TYPES = new Set(['application/json', 'application/scim+json']);

function isJsonRequest(req: Request): boolean {
  const type = req.headers['content-type'];
  if (!type) return true; // some clients omit it; parse as JSON rather than drop the body
  return JSON_TYPES.has(type.split(';')[0].trim().toLowerCase());
}

/**
 * JSON bodies in application/json and application/scim+json (with or without charset), with the
 * failure modes mapped to SCIM errors: malformed → 400 invalidSyntax, too large → 413, other media → 415.
 */
export function jsonBodyParser(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, type: () => true, strict: false });
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    if (!isJsonRequest(req)) {
      return next(new ScimError(415, undefined, `Unsupported Content-Type "${req.headers['content-type']}"; send application/scim+json or application/json`));
    }
    parse(req, res, (error?: unknown) => {
      if (!error) {
        // Checked here, once, for every route: nesting deep enough to exhaust a later walk's stack, and
        // JSON escapes that spell what no database should receive ("\u0000", "\ud800"). This runs in the
        // parser's stream callback, outside Express's own error handling: nothing here may throw.
        try {
          const problem = inspectJson(req.body, ScimLimits.maxJsonDepth);
          if (problem?.kind === 'depth') return next(ScimError.invalidSyntax(`The request body is ${problem.detail}`));
          return next(problem ? ScimError.invalidValue(`The request body is not acceptable: ${problem.detail}`) : undefined);
        } catch (failure) {
          return next(failure);
        }
      }
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') return next(new ScimError(413, undefined, `Request body exceeds ${limitBytes} bytes`));
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        return next(new ScimError(415, undefined, 'Unsupported body encoding; send UTF-8 JSON'));
      }
      return next(ScimError.invalidSyntax('Request body is not valid JSON'));
    });
  };
}
