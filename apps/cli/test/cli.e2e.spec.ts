import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '@roster/config';
import { AUTH_CACHE_MS } from '@roster/directory';
import { MigrationRunner } from '@roster/platform';
import { createApp } from '../../api/src/create-app';
import { UsageError } from '../src/commands/command-line';
import { keysCommand } from '../src/commands/keys';
import { tenantsCommand, tokensCommand } from '../src/commands/tenants';

// The newcomer's path: create a tenant with the CLI, then use the printed base URL and token.
describe('roster CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
  const env = { ...process.env };
  let output: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));

  beforeAll(() => {
    process.env.DATABASE_URL = `sqlite:${join(dir, 'roster.db')}`;
    process.env.ROSTER_PUBLIC_URL = 'https://roster.example.com';
  });
  afterAll(() => {
    process.env = env;
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  const printed = (label: string) =>
    output
      .find((line) => line.startsWith(label))
      ?.split(/\s+/)
      .pop() ?? '';

  it('creates a tenant and a token that the SCIM API accepts, and rotates it', async () => {
    output = [];
    await tenantsCommand(['create', 'Acme', 'Learning']);
    const baseUrl = printed('SCIM base URL:');
    const token = printed('Bearer token:');
    expect(baseUrl).toBe('https://roster.example.com/scim/v2/acme-learning');
    expect(token).toMatch(/^rstr-/);

    const app = await createApp({ ...loadConfig(process.env), database: { dialect: 'sqlite', path: join(dir, 'roster.db') } }, pino({ level: 'silent' }));
    try {
      await app.get(MigrationRunner).run();
      await app.init();
      const http = request(app.getHttpServer());
      await http.get('/scim/v2/acme-learning/Users?startIndex=1&count=2').set('Authorization', `Bearer ${token}`).expect(200);

      output = [];
      await tokensCommand(['issue', 'acme-learning', '--description', 'rotated']);
      const next = printed('Bearer token:');
      await http.get('/scim/v2/acme-learning/Users').set('Authorization', `Bearer ${next}`).expect(200);
      // The server remembers a successful authentication for AUTH_CACHE_MS: the CLI's revocation counts
      // from then on, in the server process too.
      await new Promise((resolve) => setTimeout(resolve, AUTH_CACHE_MS + 100));
      await http.get('/scim/v2/acme-learning/Users').set('Authorization', `Bearer ${token}`).expect(401);

      output = [];
      await tenantsCommand(['list']);
      expect(output.join('\n')).toContain('acme-learning');
      await tokensCommand(['list', 'acme-learning']);
      expect(output.join('\n')).not.toContain(next);
    } finally {
      await app.close();
    }
  });

  it('refuses token options that are not whole numbers in range, and changes nothing then', async () => {
    output = [];
    await tokensCommand(['list', 'acme-learning']);
    const before = output.join('\n');
    await expect(tokensCommand(['issue', 'acme-learning', '--expires-in-days=-5'])).rejects.toThrow(/expiresInDays must be a whole number of days from 1/);
    await expect(tokensCommand(['issue', 'acme-learning', '--expires-in-days', 'abc'])).rejects.toThrow(/expiresInDays/);
    await expect(tokensCommand(['issue', 'acme-learning', '--overlap-seconds', 'abc'])).rejects.toThrow(/revokeOthersAfterSeconds must be a whole number/);
    await expect(tokensCommand(['issue', 'acme-learning', '--overlap-seconds=-1'])).rejects.toThrow(/revokeOthersAfterSeconds/);
    output = [];
    await tokensCommand(['list', 'acme-learning']);
    expect(output.join('\n')).toBe(before); // no token issued, none revoked
  });

  it('lists an expired token as expired', async () => {
    output = [];
    await tokensCommand(['issue', 'acme-learning', '--expires-in-days', '1', '--overlap-seconds', '60']);
    const { MikroORM } = await import('@mikro-orm/core');
    const app = await createApp({ ...loadConfig(process.env), database: { dialect: 'sqlite', path: join(dir, 'roster.db') } }, pino({ level: 'silent' }));
    try {
      await app
        .get(MikroORM)
        .em.fork()
        .getConnection()
        .execute('update scim_tokens set expires_at = ? where expires_at is not null', [Date.now() - 1000]);
    } finally {
      await app.close();
    }
    output = [];
    await tokensCommand(['list', 'acme-learning']);
    expect(output.some((line) => / expired \d{4}-/.test(line))).toBe(true);
  });

  it('issues a read-only token beside the provisioning token, and rotates the signing key', async () => {
    output = [];
    await tokensCommand(['issue', 'acme-learning', '--scope', 'read']);
    expect(output).toContain('Scope:         read (GET and .search only)');
    await expect(tokensCommand(['issue', 'acme-learning', '--scope', 'write'])).rejects.toThrow(/scope must be/);
    output = [];
    await keysCommand(['rotate', '--overlap-seconds', '60']);
    const first = output[0].split(' ')[3];
    output = [];
    await keysCommand(['rotate']);
    const second = output[0].split(' ')[3];
    expect(second).not.toBe(first);
    expect(output.find((line) => line.startsWith(second))).toContain('signing');
    expect(output.find((line) => line.startsWith(first))).toContain('published until');
    await expect(keysCommand(['rotate', '--overlap-seconds=-1'])).rejects.toThrow(/overlapSeconds must be/);
    await expect(keysCommand(['spin'])).rejects.toThrow(UsageError);
    await expect(keysCommand(['rotate', '--overlap', '5'])).rejects.toThrow(UsageError);
  });

  it('explains its usage on bad input', async () => {
    await expect(tenantsCommand(['create'])).rejects.toThrow(UsageError);
    await expect(tokensCommand(['issue', 'acme-learning', '--expires', '5'])).rejects.toThrow(UsageError);
    await expect(tokensCommand(['revoke', 'acme-learning'])).rejects.toThrow(UsageError);
    await expect(tokensCommand(['issue', 'no-such-tenant'])).rejects.toThrow(/no tenant/);
  });
});
