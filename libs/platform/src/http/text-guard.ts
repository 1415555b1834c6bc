import type { NextFunction, Request, Response } from 'express';
import { findForbiddenText, ScimError, textProblem } from '@roster/scim-core';

/**
 * Refuses, before routing and before any SQL, URLs whose path or query carries characters Roster never
 * stores (NUL, control characters, unpaired surrogates) or broken percent-encoding. Such a path names no
 * resource (404); such a query parameter is a bad request (400). Bodies are checked by the body parser.
 */
export function rejectForbiddenUrlText(req: Request, _res: Response, next: NextFunction) {
  const raw = req.path;
  if (raw.includes('%')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return next(ScimError.notFound(`No endpoint at a path with invalid percent-encoding`));
    }
    if (textProblem(decoded)) return next(ScimError.notFound('No endpoint at a path with control characters'));
  } else if (textProblem(raw)) {
    return next(ScimError.notFound('No endpoint at a path with control characters'));
  }
  const query = req.url.includes('?') ? req.query : undefined;
  if (query) {
    for (const [name, value] of Object.entries(query)) {
      const nameProblem = textProblem(name);
      const problem = nameProblem ? `a parameter name ${nameProblem}` : findForbiddenText(value, name);
      if (!problem) continue;
      const detail = `Query ${problem}`;
      return next(name.toLowerCase() === 'filter' ? ScimError.invalidFilter(detail) : ScimError.invalidValue(detail));
    }
  }
  next();
}
