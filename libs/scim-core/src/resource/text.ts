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

/** Walks a parsed JSON value and reports the first key or string that holds forbidden characters. */
export function findForbiddenText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? `${path || 'value'} ${problem}` : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return `an attribute name ${keyProblem}`;
      const found = findForbiddenText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}
