import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

export const CONTRACT_FILE = join('openapi', 'roster.openapi.yaml');

export interface ContractDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> } & Record<string, unknown>;
  [key: string]: unknown;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Finds the repository root from wherever this file was compiled to (src under jest, dist at runtime). */
export function contractPath(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, CONTRACT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find ${CONTRACT_FILE} above ${__dirname}`);
    dir = parent;
  }
}

let cached: { text: string; document: ContractDocument } | undefined;

/** The hand-written contract, loaded once. It is served as-is at /openapi.json and /docs. */
export function loadContract(): { text: string; document: ContractDocument } {
  if (!cached) {
    const text = readFileSync(contractPath(), 'utf8');
    cached = { text, document: parse(text) as ContractDocument };
  }
  return cached;
}

/** path template → HTTP methods, as the contract declares them. */
export function contractRoutes(document: ContractDocument): Record<string, string[]> {
  const routes: Record<string, string[]> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    routes[path] = Object.keys(item).filter((k) => HTTP_METHODS.includes(k));
  }
  return routes;
}
