import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/load-config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite file, port 3000 and a closed admin API', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ dialect: 'sqlite', path: resolve('data/roster.db') });
    expect(config.port).toBe(3000);
    expect(config.adminToken).toBeUndefined();
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
  });

  it.each([
    ['sqlite:./x.db', { dialect: 'sqlite', path: resolve('x.db') }],
    ['sqlite::memory:', { dialect: 'sqlite', path: ':memory:' }],
    ['postgres://u@h:5432/db', { dialect: 'postgresql', url: 'postgres://u@h:5432/db' }],
    ['postgresql://u@h/db', { dialect: 'postgresql', url: 'postgresql://u@h/db' }],
  ])('reads DATABASE_URL=%s', (url, database) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual(database);
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        ROSTER_ADMIN_TOKEN: 'short',
        ROSTER_PUBLIC_URL: 'https://my_host.example.com',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('strips a trailing slash from ROSTER_PUBLIC_URL', () => {
    expect(loadConfig({ ROSTER_PUBLIC_URL: 'https://scim.example.com/' }).publicUrl).toBe('https://scim.example.com');
  });
});
