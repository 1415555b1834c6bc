// Decides once, before the workers start, whether the PostgreSQL half of the suite runs.
// ROSTER_TEST_PG_URL: an admin connection (it creates one database per test file).
// ROSTER_REQUIRE_PG=1 (set by CI): a missing PostgreSQL fails the run instead of skipping.
const { Client } = require('pg');

module.exports = async () => {
  // Lets test files that need the built server share one build per run (test/support/built-server.ts).
  process.env.ROSTER_TEST_RUN_ID = String(Date.now());
  const url = process.env.ROSTER_TEST_PG_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env.ROSTER_TEST_PG_URL = url;
  } catch (error) {
    delete process.env.ROSTER_TEST_PG_URL;
    const message = `PostgreSQL is not reachable at ${url.replace(/\/\/[^@]*@/, '//')} (${error.message})`;
    if (process.env.ROSTER_REQUIRE_PG === '1') throw new Error(`${message}; ROSTER_REQUIRE_PG=1 forbids skipping`, { cause: error });
    process.stdout.write(`\n*** ${message}: the PostgreSQL tests are SKIPPED. Start it or set ROSTER_TEST_PG_URL. ***\n\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
};
