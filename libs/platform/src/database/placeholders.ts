import { BoundedMap } from '../cache/bounded-map';

// PostgreSQL numbers its placeholders. Roster's SQL never has "?" inside a literal (values are always
// bound), and its statement texts repeat, so each is numbered once (least recently used out first).
const numbered = new BoundedMap<string, string>(256, { maxBytes: 2 * 1024 * 1024, sizeOf: (sql, text) => 2 * (sql.length + text.length) });

/** SQL written with "?" placeholders, as PostgreSQL takes it ($1, $2, …). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  const text = numbered.get(sql) ?? sql.replace(/\?/g, () => `$${++n}`);
  numbered.set(sql, text);
  return text;
}
