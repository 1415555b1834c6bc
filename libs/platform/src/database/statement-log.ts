import type { Configuration } from '@mikro-orm/core';

/**
 * ROSTER_SQL_DEBUG (development only) for statements that do not go through the ORM (hand-written SQL,
 * heavy reads): each is logged through the ORM's logger like the ORM's own, with its parameters and how long
 * it took; a failed one with level "error" and no count.
 */
export function logStatement(config: Configuration, sql: string, params: unknown[], started: number, results?: number): void {
  if (!config.get('debug')) return;
  config.getLogger().logQuery({
    query: `${sql} -- ${JSON.stringify(params)}`,
    took: Date.now() - started,
    ...(results === undefined ? { level: 'error' } : { results }),
  });
}
