import { MikroORM } from '@mikro-orm/core';
import { tenantConditionFor, userStorage } from '@roster/directory';
import { bindFilter, filterToSql, parseFilter, UserResourceType } from '@roster/scim-core';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

/**
 * co, sw and ew on userName, externalId, displayName, name.givenName, name.familyName and emails.value are
 * answered through trigram indexes (FTS5 on SQLite, pg_trgm on PostgreSQL). The answers are fixed below, so
 * both databases must give the same ones; the index must follow every write; and the database must be able
 * to answer through the index rather than the tenant's rows.
 */
describe.each(dialects())('substring filters through trigram indexes on %s', (dialect) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const ids: Record<string, string> = {};
  const auth = (tenant: TestTenant) => ({ Authorization: `Bearer ${tenant.token}` });
  const find = async (filter: string, tenant = a): Promise<string[]> => {
    const res = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}&count=200`)
      .set(auth(tenant))
      .expect(200);
    return res.body.Resources.map((r: { userName: string }) => r.userName).sort();
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    a = await createTenant(t, 'Search A');
    b = await createTenant(t, 'Search B');
    const people = [
      {
        userName: 'Jane.Smith@Example.com',
        displayName: 'Jane Smith',
        externalId: '00uJaneSMITH',
        title: 'Senior Engineer',
        name: { givenName: 'Jane', familyName: 'Smith' },
        emails: [
          { value: 'Jane.Smith@Example.com', type: 'work', primary: true },
          { value: 'jsmith@home.example.org', type: 'home' },
        ],
      },
      { userName: 'john.smithers@example.com', displayName: 'John Smithers', externalId: '00uJohn', name: { givenName: 'John', familyName: 'Smithers' } },
      { userName: 'emile.zola@example.com', displayName: 'Émile Zola', name: { givenName: 'Émile', familyName: 'Zola' } },
      { userName: 'percent_100%@example.com', displayName: 'Per Cent', externalId: 'a_b%c\\d' },
      { userName: 'pat@example.com', displayName: 'Pat', name: { givenName: 'Pat', familyName: 'Lee' } },
      { userName: 'Øre😀@rooms.test', externalId: 'Øre😀' },
    ];
    for (const person of people) ids[person.userName] = (await t.http.post(`${a.base}/Users`).set(auth(a)).send(person).expect(201)).body.id;
    await t.http
      .post(`${b.base}/Users`)
      .set(auth(b))
      .send({ userName: 'jane.smith@example.com', displayName: 'Jane Smith', name: { givenName: 'Jane', familyName: 'Smith' } })
      .expect(201);
  });
  afterAll(async () => t?.close());

  const table: [string, string[]][] = [
    ['userName co "smith"', ['Jane.Smith@Example.com', 'john.smithers@example.com']],
    ['userName co "SMITH@"', ['Jane.Smith@Example.com']],
    ['userName sw "JANE."', ['Jane.Smith@Example.com']],
    [
      'userName ew "EXAMPLE.COM"',
      ['Jane.Smith@Example.com', 'emile.zola@example.com', 'john.smithers@example.com', 'pat@example.com', 'percent_100%@example.com'],
    ],
    // A literal with an "@": the index looks up the part before it, the comparison checks the whole literal
    ['userName ew "SMITH@EXAMPLE.COM"', ['Jane.Smith@Example.com']],
    ['userName co "smithers@ex"', ['john.smithers@example.com']],
    ['userName sw "jane.smith@example.c"', ['Jane.Smith@Example.com']],
    ['userName co "smith@example.org"', []],
    ['userName co "nt_100%@exa"', ['percent_100%@example.com']],
    ['emails.value ew "jsmith@home.example.org"', ['Jane.Smith@Example.com']],
    ['userName co "t_1"', ['percent_100%@example.com']],
    ['userName co "n_2"', []],
    ['userName co "t_100%"', ['percent_100%@example.com']],
    ['userName co "e.s"', ['Jane.Smith@Example.com']],
    ['userName co "at"', ['pat@example.com']],
    ['displayName co "SMITH"', ['Jane.Smith@Example.com', 'john.smithers@example.com']],
    ['displayName sw "john"', ['john.smithers@example.com']],
    ['displayName co "mile"', ['emile.zola@example.com']],
    ['displayName ew "zola"', ['emile.zola@example.com']],
    ['name.familyName co "smith"', ['Jane.Smith@Example.com', 'john.smithers@example.com']],
    ['name.familyName ew "ers"', ['john.smithers@example.com']],
    ['name.givenName sw "émi"', ['emile.zola@example.com']],
    ['name.givenName co "ohn"', ['john.smithers@example.com']],
    // PostgreSQL compares the name parts' stored lower-cased columns; SQLite the document's values
    ['name.familyName sw "SMITH"', ['Jane.Smith@Example.com', 'john.smithers@example.com']],
    ['name.givenName sw "j"', ['Jane.Smith@Example.com', 'john.smithers@example.com']],
    ['name.givenName sw "É"', ['emile.zola@example.com']],
    ['name.givenName eq "JANE"', ['Jane.Smith@Example.com']],
    ['name.givenName sw "ja" and name.familyName sw "sm"', ['Jane.Smith@Example.com']],
    ['name.familyName sw "smith" and not (name.familyName eq "smith")', ['john.smithers@example.com']],
    // LIKE's own characters are literals in a name too
    ['name.givenName sw "%"', []],
    ['name.givenName sw "J_"', []],
    ['name.familyName co "_"', []],
    ['name.familyName ew "%"', []],
    // No trigram index (a short literal, an attribute without one): SQLite folds the value itself, whatever its case
    ['title sw "sen"', ['Jane.Smith@Example.com']],
    ['title co "ENG"', ['Jane.Smith@Example.com']],
    ['title ew "r"', ['Jane.Smith@Example.com']],
    ['title co "é"', []],
    ['displayName sw "é"', ['emile.zola@example.com']],
    ['displayName co "la"', ['emile.zola@example.com']],
    // externalId is caseExact: the index finds candidates in any case, the comparison keeps the exact ones
    ['externalId co "SMITH"', ['Jane.Smith@Example.com']],
    ['externalId co "smith"', []],
    ['externalId sw "00uJo"', ['john.smithers@example.com']],
    ['externalId co "b%c\\\\d"', ['percent_100%@example.com']],
    ['externalId co "b_c"', []],
    ['emails.value co "home.example"', ['Jane.Smith@Example.com']],
    ['emails co "SMITH@"', ['Jane.Smith@Example.com']],
    ['emails co "smith"', ['Jane.Smith@Example.com', 'john.smithers@example.com']],
    ['emails[type eq "home" and value ew ".org"]', ['Jane.Smith@Example.com']],
    ['userName co "smith" and displayName co "jane"', ['Jane.Smith@Example.com']],
    ['userName co "smith" or displayName co "zola"', ['Jane.Smith@Example.com', 'emile.zola@example.com', 'john.smithers@example.com']],
    ['userName co "example" and not (displayName co "smith")', ['emile.zola@example.com', 'pat@example.com', 'percent_100%@example.com']],
    // `sw` on userName and externalId is a range of their index on SQLite (to-sql.ts, prefixRange): its ends
    ['userName sw "PAT@EXAMPLE.COM"', ['pat@example.com']],
    ['userName sw "pas"', []],
    ['userName sw "pau"', []],
    ['userName sw "percent_1"', ['percent_100%@example.com']],
    ['userName sw "percent%"', []],
    ['userName sw "ØRE"', ['Øre😀@rooms.test']],
    ['userName sw "øre😀"', ['Øre😀@rooms.test']],
    ['userName sw "øre😁"', []],
    ['externalId sw "a_b%c"', ['percent_100%@example.com']],
    ['externalId sw "A_B"', []],
    ['externalId sw "Øre😀"', ['Øre😀@rooms.test']],
    ['externalId sw "øre"', []],
  ];
  it.each(table)('%s', async (filter, expected) => {
    expect(await find(filter)).toEqual(expected);
  });

  it.each(['name.givenName sw 5', 'name.givenName sw', 'name.familyName xx "a"', 'name.givenName sw "a" or', 'name.givenName sw true'])(
    'answers %s with 400 invalidFilter',
    async (filter) => {
      const res = await t.http
        .get(`${a.base}/Users?filter=${encodeURIComponent(filter)}`)
        .set(auth(a))
        .expect(400);
      expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' });
    },
  );

  it('never finds another tenant’s users', async () => {
    expect(await find('displayName co "jane smith"', b)).toEqual(['jane.smith@example.com']);
    expect(await find('userName co "smithers"', b)).toEqual([]);
    // the prefix ranges too: they are ranges of the tenant's own index
    expect(await find('userName sw "jane.s"', b)).toEqual(['jane.smith@example.com']);
    expect(await find('userName sw "john"', b)).toEqual([]);
    expect(await find('externalId sw "00u"', b)).toEqual([]);
    // the name parts' prefix indexes are the tenant's too
    expect(await find('name.givenName sw "jane"', b)).toEqual(['jane.smith@example.com']);
    expect(await find('name.familyName sw "smithers"', b)).toEqual([]);
    expect(await find('name.givenName sw "john"', b)).toEqual([]);
    // a full first page counts its matches in its own statement on SQLite: the tenant's matches alone
    const full = await t.http
      .get(`${b.base}/Users?filter=${encodeURIComponent('userName co "example"')}&count=1`)
      .set(auth(b))
      .expect(200);
    expect([full.body.totalResults, full.body.itemsPerPage]).toEqual([1, 1]);
  });

  it('follows every write: rename, replace, email change, delete', async () => {
    const id = ids['pat@example.com'];
    await t.http
      .patch(`${a.base}/Users/${id}`)
      .set(auth(a))
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', path: 'userName', value: 'patricia.lee@example.com' },
          { op: 'replace', path: 'name.givenName', value: 'Patricia' },
          { op: 'replace', path: 'emails', value: [{ value: 'plee@newmail.example.net', primary: true }] },
        ],
      })
      .expect(200);
    expect(await find('userName co "patricia"')).toEqual(['patricia.lee@example.com']);
    expect(await find('name.givenName co "tricia"')).toEqual(['patricia.lee@example.com']);
    expect(await find('emails.value co "newmail"')).toEqual(['patricia.lee@example.com']);
    expect(await find('userName sw "pat@"')).toEqual([]);
    await t.http
      .put(`${a.base}/Users/${id}`)
      .set(auth(a))
      .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'patricia.lee@example.com', displayName: 'Trish Lee' })
      .expect(200);
    expect(await find('displayName co "trish"')).toEqual(['patricia.lee@example.com']);
    expect(await find('name.givenName co "tricia"')).toEqual([]);
    expect(await find('emails.value co "newmail"')).toEqual([]);
    await t.http.delete(`${a.base}/Users/${id}`).set(auth(a)).expect(204);
    expect(await find('displayName co "trish"')).toEqual([]);
  });

  it("answers `sw` on userName and externalId from a range of a tenant's B-tree", async () => {
    const em = t.app.get(MikroORM).em.fork();
    const cases: [string, string][] =
      dialect === 'sqlite'
        ? [
            ['userName sw "jane.s"', 'USING COVERING INDEX users_tenant_username_unique (tenant_id=? AND user_name_ci>? AND user_name_ci<?)'],
            ['externalId sw "00uJ"', 'USING COVERING INDEX users_tenant_external_id_idx (tenant_id=? AND external_id>? AND external_id<?)'],
          ]
        : [
            ['userName sw "jane.s"', 'using users_tenant_username_prefix on users r  (cost='],
            ['externalId sw "00uJ"', 'using users_tenant_external_id_idx on users r  (cost='],
            // Entra's lookup keeps its index, now in byte order
            ['externalId eq "00uJohn"', 'using users_tenant_external_id_idx on users r  (cost='],
            // the name parts' stored lower-cased columns, each with a prefix index of its own
            ['name.givenName sw "jane"', 'using users_tenant_given_name_prefix on users r  (cost='],
            ['name.familyName sw "SMITH"', 'using users_tenant_family_name_prefix on users r  (cost='],
          ];
    for (const [filter, expected] of cases) {
      const compiled = filterToSql(bindFilter(parseFilter(filter), UserResourceType), userStorage, dialect);
      // SQLite reads a prefix as a range of the lookup index; PostgreSQL's planner picks between the prefix index
      // and the trigram index, either of which gives the candidates.
      expect(compiled.narrowedByIndex).toBe(dialect === 'postgresql' && filter.includes(' sw '));
      const sql = `SELECT count(*) AS n FROM users r WHERE r.tenant_id = ? AND (${compiled.sql})`;
      const plan =
        dialect === 'sqlite'
          ? (await em.getConnection().execute(`EXPLAIN QUERY PLAN ${sql}`, [a.id, ...compiled.params])).map((row: { detail: string }) => row.detail).join('\n')
          : // Five users are cheapest to read whole: 5,000 more (taken back with the transaction) make the index pay.
            await em
              .transactional(async (tx) => {
                const run = (text: string, values: unknown[] = []) => tx.getConnection().execute(text, values, 'all', tx.getTransactionContext());
                await run(
                  `INSERT INTO users (id, tenant_id, user_name, user_name_ci, active, document, created_at, updated_at)
                 SELECT gen_random_uuid(), ?, 'bulk-' || g, 'bulk-' || g, true, '{}', now(), now() FROM generate_series(1, 5000) g`,
                  [a.id],
                );
                await run('ANALYZE users');
                const rows = await run(`EXPLAIN ${sql}`, [a.id, ...compiled.params]);
                throw Object.assign(new Error('rollback'), { plan: rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n') });
              })
              .catch((error: { plan?: string }) => {
                if (error.plan === undefined) throw error;
                return error.plan;
              });
      expect(plan).toContain(expected);
      if (dialect === 'postgresql' && filter.includes(' sw '))
        expect(plan).toMatch(/\(\w+ ~>=~ '(jane\.s|00uJ|jane|smith)'::text\) AND \(\w+ ~<~ '(jane\.t|00uK|janf|smiti)'::text\)/);
    }
  });

  it('answers through the index, not by reading the tenant', async () => {
    const em = t.app.get(MikroORM).em.fork();
    const connection = em.getConnection();
    for (const filter of ['userName co "smith"', 'displayName co "smith"', 'name.familyName co "smith"', 'externalId co "SMITH"', 'emails.value co "smith"']) {
      const compiled = filterToSql(bindFilter(parseFilter(filter), UserResourceType), userStorage, dialect);
      // On both databases the page then takes the filter's matches whole, through the index (resource-query.ts).
      expect(compiled.narrowedByIndex).toBe(true);
      const sql = `SELECT count(*) AS n FROM users r WHERE ${tenantConditionFor(compiled, dialect)} AND (${compiled.sql})`;
      if (dialect === 'sqlite') {
        const plan = (await connection.execute(`EXPLAIN QUERY PLAN ${sql}`, [a.id, ...compiled.params]))
          .map((row: { detail: string }) => row.detail)
          .join('\n');
        expect(plan).toMatch(/VIRTUAL TABLE INDEX/);
        expect(plan).not.toMatch(/users_tenant|SCAN r\b/);
      } else {
        // A handful of rows is cheapest to read whole, so the planner is left only bitmap scans, which need an
        // index on the compared expression; without the tenant condition, that can only be a trigram index.
        const plan = await em.transactional(async (tx) => {
          for (const setting of ['enable_seqscan', 'enable_indexscan', 'enable_indexonlyscan'])
            await tx.getConnection().execute(`SET LOCAL ${setting} = off`, [], 'run', tx.getTransactionContext());
          const rows = await tx
            .getConnection()
            .execute(`EXPLAIN SELECT count(*) AS n FROM users r WHERE ${compiled.sql}`, compiled.params, 'all', tx.getTransactionContext());
          return rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
        });
        expect(plan).toMatch(/Bitmap Index Scan on \w+_trgm/);
      }
    }
  });
});
