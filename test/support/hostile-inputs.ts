import { ScimLimits } from '@roster/scim-core';

/** `depth` arrays or objects within one another, as raw JSON text. */
export function nestedJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The most expensive filter a client may send: substring matches over a multi-valued attribute, up to the length limit. */
export function worstFilter(): string {
  const clauses: string[] = [];
  for (let i = 0; ; i++) {
    const clause = `phoneNumbers[value co "zz${String(i).padStart(3, '0')}"]`;
    if ([...clauses, clause].join(' or ').length > ScimLimits.maxFilterLength) return clauses.join(' or ');
    clauses.push(clause);
  }
}
