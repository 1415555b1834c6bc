import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

// What the import graph cannot say; the floors and "no cycles" are .dependency-cruiser.cjs's (npm run lint).
describe('architecture', () => {
  it('the contract library holds types only', () => {
    for (const file of sources(join(ROOT, 'libs/contract/src'))) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/^\s*export (const|function|class)\b/m);
    }
  });

  it('only config reads the environment, outside the entry points', () => {
    // v8-settings runs before main and hands the environment on unchanged when the server re-executes itself.
    const allowed = /libs\/config\/|apps\/[^/]+\/src\/(main|v8-settings|commands\/|bench\/)/;
    for (const file of [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps'))]) {
      if (allowed.test(relative(ROOT, file)) || file.includes('/test/')) continue;
      const text = readFileSync(file, 'utf8');
      const reads = /process\.env\b/.test(text);
      expect({ file: relative(ROOT, file), reads }).toEqual({ file: relative(ROOT, file), reads: false });
    }
  });
});
