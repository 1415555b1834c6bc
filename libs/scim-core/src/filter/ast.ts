// RFC 7644 §3.4.2.2: filter syntax tree, before it is bound to a schema.
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: string; op: CompareOperator; value: Literal }
  | { kind: 'present'; path: string }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /** `emails[type eq "work"]`; `emails[type eq "work"].value eq "x"` is folded into the inner filter. */
  | { kind: 'valuePath'; path: string; filter: Filter };

export const compareOperators: readonly CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
