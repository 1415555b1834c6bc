import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../../../test/support/built-server';

// The CLI as people run it: the built binary, its output and its exit codes.
describe('the roster CLI binary', () => {
  let main = '';
  const dir = mkdtempSync(join(tmpdir(), 'roster-cli-bin-'));
  beforeAll(async () => {
    main = await ensureBuilt('cli');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], databaseUrl = `sqlite:${join(dir, 'roster.db')}`) => {
    const result = spawnSync(process.execPath, [main, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, ROSTER_PUBLIC_URL: 'https://roster.example.com' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it.each([['tenants'], ['tokens'], ['keys'], ['migrate'], ['migration:create']])('%s --help answers without touching the database', (command) => {
    const unreachable = 'postgres://nobody@127.0.0.1:1/none';
    const help = run([command, '--help'], unreachable);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: npm run roster -- ${command}`));
  });

  it('with no command prints the usage (exit 2); --help alone is exit 0; an unknown command is exit 2', () => {
    expect(run([])).toMatchObject({ code: 2 });
    expect(run(['--help']).stdout).toContain('tokens issue <tenant>');
    expect(run(['--help']).code).toBe(0);
    const unknown = run(['tenant', 'list']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: tenant');
    expect(existsSync(join(dir, 'roster.db'))).toBe(false); // none of this touched the database
  });

  it('creates a tenant and issues tokens (exit 0), refuses bad values (exit 1) and bad command lines (exit 2)', () => {
    const created = run(['tenants', 'create', 'Binary', 'Co']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('SCIM base URL:  https://roster.example.com/scim/v2/binary-co');
    expect(created.stdout).toMatch(/Bearer token: {3}rstr-/);
    const read = run(['tokens', 'issue', 'binary-co', '--scope', 'read']);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('Scope:         read');
    const listed = run(['tokens', 'list', 'binary-co']);
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
    expect(listed.stdout).not.toMatch(/rstr-[A-Za-z0-9_-]{20}/); // never a secret, only prefixes

    for (const [args, message] of [
      [['tokens', 'issue', 'binary-co', '--expires-in-days=-5'], /expiresInDays must be a whole number/],
      [['tokens', 'issue', 'binary-co', '--overlap-seconds', 'abc'], /revokeOthersAfterSeconds must be a whole number/],
      [['tokens', 'issue', 'no-such-tenant'], /no tenant "no-such-tenant"/],
      [['keys', 'rotate', '--overlap-seconds=-1'], /overlapSeconds must be/],
    ] as const) {
      const refused = run([...args]);
      expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(message)]);
    }
    for (const args of [
      ['tokens', 'issue'],
      ['tokens', 'issue', 'binary-co', '--expires', '3'],
      ['tenants', 'create'],
      ['tenants', 'list', 'extra'],
      ['tokens', 'remove', 'binary-co'],
      ['keys', 'rotate', '--overlap-seconds'],
      ['tokens', 'issue', 'binary-co', '--expires-in-days', '-5'],
    ]) {
      const wrong = run(args);
      expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('Usage: npm run roster --')]);
    }
    // Nothing was issued by the refused commands: still the two tokens.
    expect(run(['tokens', 'list', 'binary-co']).stdout.trim().split('\n')).toHaveLength(2);
  });

  it('deletes a tenant, restores it, and deletes it for good with --now', () => {
    expect(run(['tenants', 'create', 'Gone', 'Co']).code).toBe(0);
    const deleted = run(['tenants', 'delete', 'gone-co']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Tenant deleted: Gone Co (gone-co)');
    expect(run(['tenants', 'list']).stdout).toMatch(/gone-co\s+deleted, purged after /);
    expect(run(['tokens', 'issue', 'gone-co']).stderr).toMatch(/no tenant "gone-co"/);
    expect(run(['tenants', 'restore', 'gone-co']).stdout).toContain('Tenant restored: Gone Co (gone-co)');
    expect(run(['tokens', 'issue', 'gone-co']).code).toBe(0);
    const purged = run(['tenants', 'delete', 'gone-co', '--now']);
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(/Purged: \d+ rows removed \(.*scim_tokens 2/);
    expect(run(['tenants', 'list']).stdout).not.toContain('gone-co');
    expect(run(['tenants', 'restore', 'gone-co'])).toMatchObject({ code: 1, stderr: expect.stringContaining('not found') });
  });
});
