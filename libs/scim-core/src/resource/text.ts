import { ScimError } from '../errors';

/**
 * The characters Roster never accepts in any string: NUL and the other C0 controls except tab, line
 * feed and carriage return, DEL, and unpaired UTF-16 surrogates. PostgreSQL refuses NUL in text and
 * lone surrogates in jsonb, SQLite stores them but then disagrees with its own derived columns, so they
 * are rejected before any SQL, identically for both databases.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string may not be stored, or undefined when it may. */
export function textProblem(value: string): string | undefined {
  const match = FORBIDDEN.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  if (code === 0) return 'contains a NUL character';
  if (code >= 0xd800 && code <= 0xdfff) return 'contains an unpaired UTF-16 surrogate';
  return `contains the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Length in Unicode code points, which is what both databases' varchar(n) count. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** 400 invalidValue unless `value` is acceptable text of at most `maxLength` code points. */
export function assertText(value: string, label: string, maxLength: number): void {
  const problem = textProblem(value);
  if (problem) throw ScimError.invalidValue(`"${label}" ${problem}`);
  // value.length counts UTF-16 units, never fewer than code points: only long strings need counting.
  if (value.length > maxLength && codePointLength(value) > maxLength) {
    throw ScimError.invalidValue(`"${label}" is longer than ${maxLength} characters`);
  }
}

/** What is wrong with a parsed JSON value as a whole: too deeply nested, or a key or string Roster refuses. */
export type JsonProblem = { kind: 'depth'; detail: string } | { kind: 'text'; detail: string };

/**
 * Walks a parsed JSON value once, without recursion (a body nested thousands of levels deep must not
 * overflow the stack), and reports the first problem: nesting deeper than `maxDepth` containers, or a key
 * or string that holds forbidden characters. Bodies are checked here before anything else walks them, so
 * every later walk (validation, PATCH, Bulk, copies) may recurse safely.
 */
export function inspectJson(value: unknown, maxDepth: number, rootPath = ''): JsonProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: rootPath, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = textProblem(item.value);
      if (problem) return { kind: 'text', detail: `${item.path || 'value'} ${problem}` };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) return { kind: 'depth', detail: `JSON nested deeper than ${maxDepth} levels` };
    // Pushed in reverse, so that the first problem in document order is the one reported.
    if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--) stack.push({ value: item.value[i], path: `${item.path}[${i}]`, depth });
      continue;
    }
    const entries = Object.entries(item.value);
    for (const [key] of entries) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { kind: 'text', detail: `an attribute name ${keyProblem}` };
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, path: item.path ? `${item.path}.${key}` : key, depth });
    }
  }
  return undefined;
}

/** The first key or string of a parsed JSON value that holds forbidden characters (any depth, no recursion). */
export function findForbiddenText(value: unknown, path = ''): string | undefined {
  const problem = inspectJson(value, Number.POSITIVE_INFINITY, path);
  return problem?.kind === 'text' ? problem.detail : undefined;
}
