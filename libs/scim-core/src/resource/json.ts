export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7643 §2.1: attribute names are case-insensitive. */
export function findKeyIgnoreCase(object: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

export function getIgnoreCase(object: JsonObject, name: string): unknown {
  const key = findKeyIgnoreCase(object, name);
  return key === undefined ? undefined : object[key];
}

/**
 * A deep copy of a JSON value (documents are parsed JSON). Copying by hand is several times cheaper than
 * structuredClone for objects this small, which serialises and deserialises; anything that is not an
 * array or a plain object is kept as it is.
 */
export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (!isObject(value) || !isPlain(value)) return value;
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) {
    // An own "__proto__" key (JSON.parse makes one) must stay a key, not become the copy's prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: deepClone(value[key]), enumerable: true, writable: true, configurable: true });
    else copy[key] = deepClone(value[key]);
  }
  return copy as T;
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
