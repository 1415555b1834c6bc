import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { writeFileSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/core';
import { databaseSchema } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { acquireLockFile, buildOrmOptions, MigrationRunner, processStartTime } from '@roster/platform';
import { loadConfig } from '@roster/config';
import { createTestDatabase, type TestDatabase } from '../../../test/support/databases';

// SQLite only: PostgreSQL's migration lock is an advisory lock, which dies with its session.
describe('the SQLite migration lock file', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let holder: ChildProcess | undefined;
  const lockPath = () => `${(db.config as { path: string }).path}.migrate-lock`;
  const runner = () => new MigrationRunner(orm, { ...loadConfig({}), database: db.config });
  const startHolder = async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    return child;
  };

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
    orm = await MikroORM.init(buildOrmOptions(db.config, databaseSchema, migrations));
  });
  afterEach(async () => {
    holder?.kill('SIGKILL');
    await orm.close();
    await db.drop();
  });

  it('is taken over at once when its holder was killed (kill -9 during startup)', async () => {
    holder = await startHolder();
    writeFileSync(lockPath(), JSON.stringify({ pid: holder.pid, host: hostname(), started: processStartTime(holder.pid!) }));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder!.once('exit', resolve));
    await runner().run(); // it used to wait five minutes (503 meanwhile)
    expect(await orm.migrator.getPending()).toEqual([]);
  });

  it('is taken over when its pid now belongs to a process that started later', async () => {
    holder = await startHolder();
    writeFileSync(lockPath(), JSON.stringify({ pid: holder.pid, host: hostname(), started: '1' }));
    await runner().run();
    expect(await orm.migrator.getPending()).toEqual([]);
  });

  it('is taken over when it is an empty file from an older Roster whose holder cannot be known', async () => {
    writeFileSync(lockPath(), '');
    const { utimesSync } = await import('node:fs');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(lockPath(), old, old);
    await runner().run();
    expect(await orm.migrator.getPending()).toEqual([]);
  });

  it('is waited for while its holder runs, and taken when the holder exits', async () => {
    holder = await startHolder();
    writeFileSync(lockPath(), JSON.stringify({ pid: holder.pid, host: hostname(), started: processStartTime(holder.pid!) }));
    let done = false;
    const running = runner()
      .run()
      .then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    holder.kill('SIGKILL');
    await running;
    expect(done).toBe(true);
  });

  it('excludes a second holder in the same process until released', async () => {
    const release = await acquireLockFile(lockPath());
    let second = false;
    const waiting = acquireLockFile(lockPath()).then((r) => {
      second = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second).toBe(false);
    release();
    (await waiting)();
    expect(second).toBe(true);
  });
});
