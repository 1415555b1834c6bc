import { parseDateTime, ScimError } from '@roster/scim-core';

/**
 * The query parameters of an admin or portal list, read strictly: each given at most once, integers in
 * range, dates ISO-8601, enumerations exact. Every list route reads its parameters through this.
 */
export function queryParams(raw: Record<string, unknown>) {
  const text = (name: string, maxLength = 200): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw ScimError.invalidValue(`${name} must be given once`);
    if (value.length > maxLength) throw ScimError.invalidValue(`${name} is longer than ${maxLength} characters`);
    return value;
  };
  return {
    text,
    date(name: string): Date | undefined {
      const value = text(name);
      if (value === undefined) return undefined;
      const parsed = parseDateTime(value);
      if (!parsed) throw ScimError.invalidValue(`${name} must be an ISO-8601 date-time between the years 0001 and 9999`);
      return parsed;
    },
    integer(name: string, fallback: number, min: number, max: number): number {
      const value = text(name);
      const parsed = value === undefined ? fallback : Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw ScimError.invalidValue(`${name} must be an integer from ${min} to ${max}`);
      return parsed;
    },
    oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
      const value = text(name);
      if (value !== undefined && !values.includes(value as T)) throw ScimError.invalidValue(`${name} must be one of ${values.join(', ')}`);
      return value as T | undefined;
    },
  };
}
