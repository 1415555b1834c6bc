import { spawn, type ChildProcess } from 'node:child_process';

// Another process writing the same SQLite file (the CLI, the nightly job): it commits small transactions
// in a loop, or holds the write lock for longer than the busy timeout.
const OTHER_WRITER = `
  const Database = require('better-sqlite3');
  const [path, mode, ms] = process.argv.slice(1);
  const db = new Database(path, { timeout: 10000 });
  db.pragma('journal_mode = wal');
  const touch = db.prepare("update tenants set updated_at = updated_at");
  if (mode === 'hold') {
    db.exec('begin immediate'); touch.run();
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('commit'); process.exit(0); }, Number(ms));
  } else {
    const until = Date.now() + Number(ms);
    const tick = () => { db.transaction(() => touch.run()).immediate(); if (Date.now() < until) setImmediate(tick); else process.exit(0); };
    process.stdout.write('writing\\n'); tick();
  }
`;

/** Starts the other process; resolves once it writes (loop) or holds the write lock (hold). */
export function otherWriter(path: string, mode: 'loop' | 'hold', ms: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', OTHER_WRITER, path, mode, String(ms)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
  });
}
