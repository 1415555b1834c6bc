// Runs one of Roster's apps from its build, building it first only when a source file is newer than the
// build: `npm run roster -- --help` answers in a fraction of a second instead of compiling every time.
//   node tools/run-built.mjs <api|cli|reconciler|dispatcher> [arguments…]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [app, ...args] = process.argv.slice(2);
const apps = ['api', 'cli', 'reconciler', 'dispatcher'];
if (!apps.includes(app)) {
  process.stderr.write(`usage: node tools/run-built.mjs <${apps.join('|')}> [arguments…]\n`);
  process.exit(2);
}
const main = join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');

function newest(path, sources = /\.ts$/) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return sources.test(path) ? stat.mtimeMs : 0;
  let latest = 0;
  for (const entry of readdirSync(path)) if (entry !== 'test' && entry !== 'node_modules') latest = Math.max(latest, newest(join(path, entry), sources));
  return latest;
}

const sources = [join(root, 'apps'), join(root, 'libs'), join(root, 'migrations'), join(root, 'tsconfig.json')];
const built = existsSync(main) ? statSync(main).mtimeMs : 0;
if (!built || Math.max(...sources.map((source) => newest(source)), statSync(join(root, 'tsconfig.json')).mtimeMs) > built) {
  process.stderr.write(`building ${app}…\n`);
  execFileSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', app], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
// The API serves the setup portal: its single-page app is built with Vite (seconds), when its sources or
// the contract's generated types changed.
if (app === 'api') {
  const index = join(root, 'dist', 'portal', 'index.html');
  const portalBuilt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const portalSources = Math.max(newest(join(root, 'apps', 'portal'), /\.(ts|tsx|mts|css|html)$/), newest(join(root, 'libs', 'contract')));
  if (!portalBuilt || portalSources > portalBuilt) {
    process.stderr.write('building the portal…\n');
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/portal/vite.config.mts', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
}
// The app reads process.argv as if it had been started directly.
process.argv = [process.argv[0], main, ...args];
createRequire(import.meta.url)(main);
