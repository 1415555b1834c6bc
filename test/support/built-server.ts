import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export type BuiltApp = 'api' | 'cli' | 'reconciler' | 'dispatcher';

export const mainOf = (app: BuiltApp) => join(ROOT, `dist/apps/${app}/apps/${app}/src/main.js`);

export function ensureApiBuilt(): Promise<string> {
  return ensureBuilt('api');
}

/** Builds an app once per test run, however many test files need it at the same time. */
export function ensureBuilt(app: BuiltApp): Promise<string> {
  const main = mainOf(app);
  return buildOncePerRun(app, main, () =>
    execFileSync(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', app], { cwd: ROOT, stdio: 'pipe' }),
  ).then(() => main);
}

/** The portal's single-page app, built by Vite once per test run (the server serves dist/portal). */
export function ensurePortalBuilt(): Promise<string> {
  const dir = join(ROOT, 'dist/portal');
  return buildOncePerRun('portal', join(dir, 'index.html'), () =>
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/portal/vite.config.mts', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'pipe',
    }),
  ).then(() => dir);
}

/**
 * Runs `build` once per test run: a lock directory serialises the test files that need it at the same time,
 * and a marker holding this run's id says the build is done (and `output` exists).
 */
async function buildOncePerRun(name: string, output: string, build: () => void): Promise<void> {
  const runId = process.env.ROSTER_TEST_RUN_ID ?? 'single';
  const lock = join(ROOT, '.build.lock');
  const marker = join(ROOT, `dist/.${name}-build-run`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!existsSync(marker) || readFileSync(marker, 'utf8') !== runId || !existsSync(output)) {
      build();
      mkdirSync(join(ROOT, 'dist'), { recursive: true });
      writeFileSync(marker, runId);
    }
  } finally {
    rmdirSync(lock);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** The built server as a real process, on a free port, healthy before this resolves. */
export async function startBuiltServer(env: Record<string, string>, cwd = ROOT): Promise<RunningServer> {
  const main = await ensureApiBuilt();
  const port = await freePort();
  const child = spawn(process.execPath, [main], { cwd, env: { ...process.env, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${base}/health`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return { child, base, output: () => output, exited };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not become healthy:\n${output}`);
}
