import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { ScimRequestLog, ScimRequestsService } from '@roster/directory';
import { ensurePortalBuilt } from '../../../test/support/built-server';
import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

// The single-page app's pages are served from the Vite build; this file must not depend on another having built it.
beforeAll(() => ensurePortalBuilt(), 180_000);

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** The session cookie a response set ("roster_portal=…"), and the whole header, for the flag checks. */
function cookieOf(response: { headers: Record<string, unknown> }): { cookie: string; header: string } {
  const header = ((response.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('roster_portal=')) ?? '';
  return { cookie: header.split(';')[0], header };
}

// Every security rule of the setup portal, over HTTP, on both databases.
describe.each(dialects())('the setup portal on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const sql = async (text: string, params: unknown[] = []) =>
    (await t.app.get(MikroORM).em.fork().getConnection().execute(text, params)) as Record<string, unknown>[];

  async function openLink(target = tenant): Promise<{ cookie: string; csrf: string }> {
    const link = await t.http.post(`/admin/v1/tenants/${target.id}/setup-links`).set(admin).send({}).expect(201);
    const opened = await t.http.get(new URL(link.body.url).pathname + new URL(link.body.url).search).expect(303);
    const { cookie } = cookieOf(opened);
    const session = await t.http.get('/portal/api/v1/session').set('Cookie', cookie).expect(200);
    return { cookie, csrf: session.body.csrfToken };
  }

  async function signInOperator(): Promise<{ cookie: string; csrf: string }> {
    const signed = await t.http.post('/portal/api/v1/session').send({ adminToken: ADMIN_TOKEN }).expect(201);
    return { cookie: cookieOf(signed).cookie, csrf: signed.body.csrfToken };
  }

  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_PORTAL_PRODUCT_NAME: 'Learnly', ROSTER_PORTAL_ACCENT_COLOR: '#7a1fa2' });
    tenant = await createTenant(t, 'Portal Co');
    other = await createTenant(t, 'Other Co');
  });
  afterAll(async () => t?.close());
  afterEach(() => expect(t.logs.filter((line) => line.includes('unhandled error'))).toEqual([]));

  describe('setup links', () => {
    it('are created by the admin API (audited), work once, set an HttpOnly SameSite cookie and redirect to a URL without the key', async () => {
      const link = await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({ expiresInMinutes: 30 }).expect(201);
      expectContract(link.body, 'SetupLink');
      const url = new URL(link.body.url);
      expect(url.origin).toBe('https://roster.test');
      expect(url.pathname).toBe('/portal/link');
      expect(Date.parse(link.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
      expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);

      const opened = await t.http.get(url.pathname + url.search).expect(303);
      expect(opened.headers.location).toBe('/portal/');
      const { header } = cookieOf(opened);
      expect(header).toMatch(/^roster_portal=[\w-]{43}; /);
      expect(header).toMatch(/; HttpOnly/);
      expect(header).toMatch(/; SameSite=Lax/);
      expect(header).toMatch(/; Secure/); // ROSTER_PUBLIC_URL is https
      expect(header).toMatch(/; Path=\//);
      expect(opened.headers['referrer-policy']).toBe('no-referrer');

      const again = await t.http.get(url.pathname + url.search).expect(410);
      expect(again.headers['set-cookie']).toBeUndefined();
      expect(again.text).toContain('This setup link no longer works');
      expect(again.text).toContain('Learnly');
      expect(again.headers['content-security-policy']).toContain("script-src 'self'");

      const audit = await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?action=setup-link.created`).set(admin).expect(200);
      expect(audit.body.items[0]).toMatchObject({ action: 'setup-link.created', actor: { type: 'admin' }, resource: { type: 'SetupLink' } });
    });

    it('expire; refuse lifetimes out of range and unknown tenants; an unknown or malformed key opens nothing', async () => {
      const link = await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({}).expect(201);
      expect(Date.parse(link.body.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000); // 60 minutes by default
      await sql('update setup_links set expires_at = ? where expires_at = ?', [
        dialect === 'sqlite' ? Date.now() - 1000 : new Date(Date.now() - 1000).toISOString(),
        dialect === 'sqlite' ? Date.parse(link.body.expiresAt) : link.body.expiresAt,
      ]);
      const expired = await t.http.get(new URL(link.body.url).pathname + new URL(link.body.url).search).expect(410);
      expect(expired.headers['set-cookie']).toBeUndefined();
      for (const expiresInMinutes of [0, 10_081, 1.5, '60']) {
        expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({ expiresInMinutes }), 400, 'invalidValue');
      }
      expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({ extra: 1 }), 400, 'invalidValue');
      expectScimError(await t.http.post('/admin/v1/tenants/00000000-0000-4000-8000-000000000000/setup-links').set(admin).send({}), 404);
      expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).send({}), 401);
      for (const key of ['', 'x', 'a'.repeat(43), '../../etc', 'a'.repeat(5000)]) {
        const response = await t.http.get('/portal/link').query({ key }).expect(410);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      await t.http.get('/portal/link').expect(410);
    });
  });

  describe('sessions', () => {
    it("a customer's session sees its tenant and nothing else: no other tenant, no admin API", async () => {
      const { cookie, csrf } = await openLink();
      const session = await t.http.get('/portal/api/v1/session').set('Cookie', cookie).expect(200);
      expectContract(session.body, 'PortalSession');
      expect(session.body).toMatchObject({
        kind: 'tenant',
        tenant: { id: tenant.id, name: 'Portal Co', slug: tenant.slug, scimBaseUrl: `https://roster.test/scim/v2/${tenant.slug}` },
        branding: { productName: 'Learnly', accentColor: '#7a1fa2', logoUrl: null },
      });
      await t.http.get('/portal/api/v1/tokens').set('Cookie', cookie).expect(200);
      expectScimError(await t.http.get('/portal/api/v1/tokens').query({ tenantId: other.id }).set('Cookie', cookie), 404);
      expectScimError(await t.http.get('/portal/api/v1/scim-requests').query({ tenantId: other.id }).set('Cookie', cookie), 404);
      const otherUser = await t.http
        .post(`${other.base}/Users`)
        .set('Authorization', `Bearer ${other.token}`)
        .send({ userName: 'secret@other.example' })
        .expect(201);
      expectScimError(await t.http.get(`/portal/api/v1/users/${otherUser.body.id}`).set('Cookie', cookie), 404);
      const listed = await t.http.get('/portal/api/v1/users').query({ search: 'secret' }).set('Cookie', cookie).expect(200);
      expect(listed.body.items).toEqual([]);
      // The admin API: refused, reads and writes alike, with or without the CSRF token.
      for (const request of [
        t.http.get('/admin/v1/tenants'),
        t.http.get(`/admin/v1/tenants/${tenant.id}`),
        t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set('X-CSRF-Token', csrf).send({}),
        t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set('X-CSRF-Token', csrf).send({}),
        t.http.patch(`/admin/v1/tenants/${other.id}`).set('X-CSRF-Token', csrf).send({ scimEnabled: false }),
      ]) {
        expectScimError(await request.set('Cookie', cookie), 403);
      }
      // Nor does the cookie work as a SCIM credential.
      expectScimError(await t.http.get(`${tenant.base}/Users`).set('Cookie', cookie), 401);
    });

    it('every write needs the X-CSRF-Token of its session, and is audited with the session as the actor', async () => {
      const { cookie, csrf } = await openLink();
      const operator = await signInOperator();
      expectScimError(await t.http.post('/portal/api/v1/tokens').set('Cookie', cookie).send({}), 403);
      expectScimError(await t.http.post('/portal/api/v1/tokens').set('Cookie', cookie).set('X-CSRF-Token', operator.csrf).send({}), 403);
      expectScimError(await t.http.post('/portal/api/v1/tokens').set('Cookie', cookie).set('X-CSRF-Token', 'x').send({}), 403);
      const issued = await t.http
        .post('/portal/api/v1/tokens')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .send({ revokeOthersAfterSeconds: 3600 })
        .expect(201);
      expectContract(issued.body, 'IssuedToken');
      expect(issued.body.scope).toBe('provision');
      await t.http.get(`${tenant.base}/Users`).set('Authorization', `Bearer ${issued.body.token}`).expect(200);
      await t.http.get(`${tenant.base}/Users`).set('Authorization', `Bearer ${tenant.token}`).expect(200); // the overlap
      const session = await t.http.get('/portal/api/v1/session').set('Cookie', cookie).expect(200);
      const [row] = await sql(
        "select actor_type, actor_token_id from audit_events where tenant_id = ? and action = 'token.issued' order by occurred_at desc limit 1",
        [tenant.id],
      );
      expect(row.actor_type).toBe('portal-tenant');
      expect(String(row.actor_token_id)).toMatch(/^[0-9a-f-]{36}$/);
      const audit = await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?action=token.issued`).set(admin).expect(200);
      expect(audit.body.items[0].actor).toEqual({ type: 'portal-tenant', sessionId: row.actor_token_id });
      expect(session.body.csrfToken).toBe(csrf);

      // Revocation from the portal is at once; the host application's read-only tokens are not the customer's.
      const reader = await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ scope: 'read' }).expect(201);
      const listed = await t.http.get('/portal/api/v1/tokens').set('Cookie', cookie).expect(200);
      expect(listed.body.items.every((token: { scope: string }) => token.scope === 'provision')).toBe(true);
      expectScimError(await t.http.delete(`/portal/api/v1/tokens/${reader.body.id}`).set('Cookie', cookie).set('X-CSRF-Token', csrf), 404);
      await t.http.delete(`/portal/api/v1/tokens/${issued.body.id}`).set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
      await t.http.get(`${tenant.base}/Users`).set('Authorization', `Bearer ${issued.body.token}`).expect(401);
      tenant.token = (await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({}).expect(201)).body.token;
    });

    it('the operator signs in with the admin token and may use the admin API (CSRF on writes) and any tenant in the portal API', async () => {
      expectScimError(await t.http.post('/portal/api/v1/session').send({ adminToken: 'not-the-admin-token' }), 401);
      expectScimError(await t.http.post('/portal/api/v1/session').send({}), 400);
      const { cookie, csrf } = await signInOperator();
      const session = await t.http.get('/portal/api/v1/session').set('Cookie', cookie).expect(200);
      expect(session.body).toMatchObject({ kind: 'operator', tenant: null });
      await t.http.get('/admin/v1/tenants').set('Cookie', cookie).expect(200);
      expectScimError(await t.http.post('/admin/v1/tenants').set('Cookie', cookie).send({ name: 'Via cookie' }), 403);
      const created = await t.http.post('/admin/v1/tenants').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ name: 'Via cookie' }).expect(201);
      const link = await t.http.post(`/admin/v1/tenants/${created.body.id}/setup-links`).set('Cookie', cookie).set('X-CSRF-Token', csrf).send({}).expect(201);
      expect(link.body.url).toContain('/portal/link?key=');
      const [row] = await sql("select actor_type from audit_events where tenant_id = ? and action = 'setup-link.created'", [created.body.id]);
      expect(row.actor_type).toBe('portal-operator');
      expectScimError(await t.http.get('/portal/api/v1/tokens').set('Cookie', cookie), 400, 'invalidValue'); // which tenant?
      await t.http.get('/portal/api/v1/tokens').query({ tenantId: tenant.id }).set('Cookie', cookie).expect(200);
      expectScimError(await t.http.get('/portal/api/v1/tokens').query({ tenantId: '00000000-0000-4000-8000-000000000000' }).set('Cookie', cookie), 404);
      expectScimError(await t.http.get('/portal/api/v1/tokens').query({ tenantId: 'not-an-id' }).set('Cookie', cookie), 400);
      // A wrong bearer token is refused even with a good cookie: one credential at a time.
      expectScimError(await t.http.get('/admin/v1/tenants').set('Cookie', cookie).set('Authorization', 'Bearer wrong-admin-token'), 401);
    });

    it('sign-out ends the session in every process (its row goes); idle and absolute limits end it too', async () => {
      const signedOut = await openLink();
      expectScimError(await t.http.delete('/portal/api/v1/session').set('Cookie', signedOut.cookie), 403); // CSRF
      const out = await t.http.delete('/portal/api/v1/session').set('Cookie', signedOut.cookie).set('X-CSRF-Token', signedOut.csrf).expect(204);
      expect(cookieOf(out).header).toMatch(/roster_portal=;/);
      expectScimError(await t.http.get('/portal/api/v1/session').set('Cookie', signedOut.cookie), 401);

      const idle = await openLink();
      await t.http.get('/portal/api/v1/session').set('Cookie', idle.cookie).expect(200);
      const longAgo = new Date(Date.now() - 31 * 60_000);
      await sql('update portal_sessions set last_seen_at = ?', [dialect === 'sqlite' ? longAgo.getTime() : longAgo.toISOString()]);
      expectScimError(await t.http.get('/portal/api/v1/session').set('Cookie', idle.cookie), 401);

      const absolute = await openLink();
      const past = new Date(Date.now() - 1000);
      await sql('update portal_sessions set expires_at = ?', [dialect === 'sqlite' ? past.getTime() : past.toISOString()]);
      expectScimError(await t.http.get('/portal/api/v1/session').set('Cookie', absolute.cookie), 401);
      expectScimError(await t.http.get('/portal/api/v1/session').set('Cookie', 'roster_portal=forged-value'), 401);
      expectScimError(await t.http.get('/portal/api/v1/session'), 401);
    });
  });

  describe('the SCIM request log', () => {
    it('records every request to a tenant URL with what Roster answered and why, never a token; visible within 2 s to the portal and the admin API', async () => {
      const target = await createTenant(t, 'Logged Co');
      const { cookie } = await openLink(target);
      const connection = async () => (await t.http.get('/portal/api/v1/connection').set('Cookie', cookie).expect(200)).body;
      expect(await connection()).toMatchObject({ state: 'waiting', lastRequest: null, requestsLastHour: 0 });

      // Okta's "Test API Credentials", then a create, then a request with a token that is not this tenant's.
      await t.http
        .get(`${target.base}/Users?startIndex=1&count=2`)
        .set('Authorization', `Bearer ${target.token}`)
        .set('User-Agent', 'Okta SCIM Client 1.0.0')
        .expect(200);
      let state = await connection();
      for (let i = 0; i < 25 && state.state === 'waiting'; i++) {
        await sleep(100);
        state = await connection();
      }
      expect(state.state).toBe('working'); // within 2.5 s, without flushing by hand
      expect(state.lastRequest).toMatchObject({ method: 'GET', status: 200, identityProvider: 'okta', summary: 'a connection test (a list of learners)' });
      expectContract(state, 'ConnectionState');

      await t.http.post(`${target.base}/Users`).set('Authorization', `Bearer ${target.token}`).send({ userName: 'logged@example.com' }).expect(201);
      await t.http.get(`${target.base}/Users`).set('Authorization', `Bearer ${other.token}`).expect(401);
      await t.http.get(`${target.base}/Users`).set('Authorization', 'Bearer rstr-made-up-token').expect(401);
      await t.http.get(`${target.base}/Users`).expect(401);
      await t.http.get(`${target.base}/User`).set('Authorization', `Bearer ${target.token}`).expect(404);
      await t.app.get(ScimRequestLog).flush();

      const page = await t.http.get('/portal/api/v1/scim-requests').set('Cookie', cookie).expect(200);
      expectContract(page.body, 'ScimRequestPage');
      const [wrongPath, noToken, madeUp, otherTenants, created] = page.body.items;
      expect(wrongPath).toMatchObject({ status: 404, path: '/User', problem: 'The URL does not name a SCIM endpoint of Roster.' });
      expect(noToken).toMatchObject({ status: 401, authFailure: 'missing Authorization header', problem: 'The request carried no token.' });
      expect(madeUp).toMatchObject({ status: 401, authFailure: 'unknown token' });
      expect(madeUp.problem).toBe("A request with a token that is not this tenant's current token was refused.");
      expect(madeUp.fix).toContain('Paste the token again');
      expect(otherTenants).toMatchObject({ status: 401, authFailure: "another tenant's token" });
      expect(created).toMatchObject({
        method: 'POST',
        status: 201,
        summary: 'a new learner',
        change: { action: 'user.created', resource: 'logged@example.com' },
      });
      expect(JSON.stringify(page.body)).not.toContain(target.token);
      expect(JSON.stringify(page.body)).not.toContain('rstr-made-up-token');

      const failures = await t.http.get(`/admin/v1/tenants/${target.id}/scim-requests`).query({ status: 'failures', limit: 2 }).set(admin).expect(200);
      expect(failures.body.items.map((e: { status: number }) => e.status)).toEqual([404, 401]);
      const next = await t.http
        .get(`/admin/v1/tenants/${target.id}/scim-requests`)
        .query({ status: 'failures', limit: 2, cursor: failures.body.nextCursor })
        .set(admin);
      expect(next.body.items.map((e: { status: number }) => e.status)).toEqual([401, 401]);
      expectScimError(await t.http.get(`/admin/v1/tenants/${target.id}/scim-requests`).query({ status: '9xx' }).set(admin), 400, 'invalidValue');
      expectScimError(await t.http.get(`/admin/v1/tenants/${target.id}/scim-requests`).query({ cursor: 'nonsense' }).set(admin), 400, 'invalidValue');
      expect((await connection()).state).toBe('failing');
      const rows = await sql('select * from scim_requests where tenant_id = ?', [target.id]);
      expect(JSON.stringify(rows)).not.toContain(target.token);
      // Requests to a URL that names no tenant are not recorded anywhere.
      await t.http.get('/scim/v2/no-such-tenant/Users').set('Authorization', `Bearer ${target.token}`).expect(401);
      await t.app.get(ScimRequestLog).flush();
      expect((await sql('select count(*) as n from scim_requests where path = ?', ['/Users'])).length).toBe(1);
    });
  });

  describe('the directory, attributes and health', () => {
    it('finds learners by the start of userName, e-mail or name, by status, pages by cursor, and shows one with its history', async () => {
      const target = await createTenant(t, 'Directory Co');
      const { cookie } = await openLink(target);
      const scim = { Authorization: `Bearer ${target.token}` };
      const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
      const ada = await t.http
        .post(`${target.base}/Users`)
        .set(scim)
        .send({ userName: 'ada@example.com', name: { givenName: 'Ada', familyName: 'Lovelace' }, externalId: 'okta-1', [ROSTER]: { job_role: 'Engineer' } })
        .expect(201);
      for (let i = 0; i < 5; i++)
        await t.http
          .post(`${target.base}/Users`)
          .set(scim)
          .send({ userName: `learner${i}@example.com`, emails: [{ value: `l${i}@corp.example` }] });
      await t.http
        .patch(`${target.base}/Users/${ada.body.id}`)
        .set(scim)
        .send({ Operations: [{ op: 'replace', value: { active: false } }] })
        .expect(200);
      const group = await t.http
        .post(`${target.base}/Groups`)
        .set(scim)
        .send({ displayName: 'Engineering', members: [{ value: ada.body.id }] })
        .expect(201);
      const search = async (query: Record<string, string | number>) =>
        (await t.http.get('/portal/api/v1/users').query(query).set('Cookie', cookie).expect(200)).body;
      expect((await search({ search: 'ADA' })).items.map((u: { userName: string }) => u.userName)).toEqual(['ada@example.com']);
      expect((await search({ search: 'love' })).items).toHaveLength(1); // family name
      expect((await search({ search: 'l3@corp' })).items.map((u: { userName: string }) => u.userName)).toEqual(['learner3@example.com']);
      expect((await search({ status: 'deactivated' })).items.map((u: { active: boolean }) => u.active)).toEqual([false]);
      expect((await search({ status: 'active' })).totalResults).toBe(5);
      expect((await search({ search: '"quoted" \\ text' })).items).toEqual([]);
      const first = await search({ limit: 4 });
      expectContract(first, 'PortalUserPage');
      expect(first.items).toHaveLength(4);
      const second = await search({ limit: 4, cursor: first.nextCursor });
      expect([...first.items, ...second.items].map((u: { id: string }) => u.id)).toHaveLength(6);
      expect(second.nextCursor).toBeNull();
      expectScimError(await t.http.get('/portal/api/v1/users').query({ limit: 500 }).set('Cookie', cookie), 400, 'invalidValue');
      expectScimError(
        await t.http
          .get('/portal/api/v1/users')
          .query({ search: 'x'.repeat(101) })
          .set('Cookie', cookie),
        400,
        'invalidValue',
      );

      const detail = await t.http.get(`/portal/api/v1/users/${ada.body.id}`).set('Cookie', cookie).expect(200);
      expectContract(detail.body, 'PortalUserDetail');
      expect(detail.body.user[ROSTER]).toEqual({ job_role: 'Engineer' });
      expect(detail.body.user.groups).toEqual([expect.objectContaining({ value: group.body.id, display: 'Engineering' })]);
      expect(detail.body.history.map((e: { action: string }) => e.action)).toEqual(['user.deactivated', 'user.created']);

      const groups = await t.http.get('/portal/api/v1/groups').query({ search: 'eng' }).set('Cookie', cookie).expect(200);
      expectContract(groups.body, 'PortalGroupPage');
      expect(groups.body.items).toEqual([expect.objectContaining({ displayName: 'Engineering', memberCount: 1 })]);
      const groupDetail = await t.http.get(`/portal/api/v1/groups/${group.body.id}`).set('Cookie', cookie).expect(200);
      expect(groupDetail.body.group.members).toEqual([expect.objectContaining({ value: ada.body.id, display: 'ada@example.com' })]);

      await t.http.delete(`${target.base}/Users/${second.items[0].id}`).set(scim).expect(204);
      const deleted = await t.http.get('/portal/api/v1/deleted-users').set('Cookie', cookie).expect(200);
      expect(deleted.body.items.map((u: { id: string }) => u.id)).toEqual([second.items[0].id]);

      const attributes = await t.http.get('/portal/api/v1/attributes').set('Cookie', cookie).expect(200);
      expectContract(attributes.body, 'PortalAttributes');
      const learner = attributes.body.schemas.find((s: { urn: string }) => s.urn === ROSTER);
      expect(learner.attributes.map((a: { path: string }) => a.path)).toEqual(['job_role', 'company', 'business_unit', 'team_name', 'security_champion']);
      expect(learner.attributes.every((a: { description: string }) => a.description.length > 20)).toBe(true);

      const health = await t.http.get('/portal/api/v1/health').set('Cookie', cookie).expect(200);
      expectContract(health.body, 'PortalHealth');
      const unlinked = health.body.findings.find((f: { kind: string }) => f.kind === 'users-without-external-id');
      expect(unlinked.advice).toContain('unassign and reassign');
    });
  });

  describe('the single-page app', () => {
    it('is served at /portal with a strict Content-Security-Policy, its branding as CSS, and index.html for its routes', async () => {
      const page = await t.http.get('/portal/directory/users/x').expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      const script = /src="(\/portal\/assets\/[^"]+\.js)"/.exec(page.text)![1];
      const asset = await t.http.get(script).expect(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      const css = await t.http.get('/portal/branding.css').expect(200);
      expect(css.text).toContain('--accent: #7a1fa2');
      await t.http.get('/portal').expect(200);
      await t.http.get('/portal/assets/missing.js').expect(404);
      expectScimError(await t.http.get('/portal/api/v1/nothing-here'), 404);
    });
  });

  it('never logs a session secret, a link key, a CSRF token or the admin token', async () => {
    const link = await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({}).expect(201);
    const key = new URL(link.body.url).searchParams.get('key')!;
    const opened = await t.http.get(`/portal/link?key=${key}`).expect(303);
    const { cookie } = cookieOf(opened);
    const csrf = (await t.http.get('/portal/api/v1/session').set('Cookie', cookie).expect(200)).body.csrfToken;
    const logs = t.logs.join('\n');
    for (const secret of [key, cookie.split('=')[1], csrf, ADMIN_TOKEN]) expect(logs).not.toContain(secret);
  });
});

describe('portal framing and cookies configured otherwise', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { ROSTER_PUBLIC_URL: 'http://localhost:3000', ROSTER_PORTAL_FRAME_ANCESTORS: 'https://learning.example.com' });
  });
  afterAll(async () => t?.close());

  it('lets the named host application frame the portal, and sets no Secure flag on plain http', async () => {
    const page = await t.http.get('/portal/').expect(200);
    expect(page.headers['content-security-policy']).toContain('frame-ancestors https://learning.example.com');
    expect(page.headers['x-frame-options']).toBeUndefined();
    const tenant = await createTenant(t, 'Http Co');
    const link = await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({}).expect(201);
    const opened = await t.http.get(new URL(link.body.url).pathname + new URL(link.body.url).search).expect(303);
    expect(cookieOf(opened).header).not.toMatch(/Secure/);
  });
});

// Apart from the tests above: exhausting a client's budget would refuse their sign-ins and links too.
describe.each(dialects())('portal throttling on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('sign-in and link launches are rate limited per client address', async () => {
    const attempts = [];
    for (let i = 0; i < 14; i++) attempts.push((await t.http.post('/portal/api/v1/session').send({ adminToken: `guess-${i}` })).status);
    const refused = attempts.indexOf(429);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(10);
    expect(attempts.slice(0, refused).every((status) => status === 401)).toBe(true);
    expect(attempts.slice(refused).every((status) => status === 429)).toBe(true);
    // Even the right token waits now: the budget is checked before the token.
    expectScimError(await t.http.post('/portal/api/v1/session').send({ adminToken: ADMIN_TOKEN }), 429);
    const launches = [];
    for (let i = 0; i < 14; i++) launches.push((await t.http.get('/portal/link').query({ key: `guess-${i}` })).status);
    expect(launches).toContain(429);
  });
});

describe.each(dialects())('the SCIM request log retention on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_SCIM_REQUEST_LOG_MAX_PER_TENANT: '100', ROSTER_SCIM_REQUEST_LOG_DAYS: '7' });
  });
  afterAll(async () => t?.close());

  it('keeps ROSTER_SCIM_REQUEST_LOG_DAYS days and at most the per-tenant cap (newest first); other tenants keep theirs', async () => {
    const busy = await createTenant(t, 'Busy');
    const quiet = await createTenant(t, 'Quiet');
    for (let i = 0; i < 150; i++) await t.http.get(`${busy.base}/Users?count=0`).set('Authorization', `Bearer ${busy.token}`);
    await t.http.get(`${quiet.base}/Users`).set('Authorization', `Bearer ${quiet.token}`);
    await t.app.get(ScimRequestLog).flush();
    const em = t.app.get(MikroORM).em.fork();
    const old = new Date(Date.now() - 8 * 86_400_000);
    // Eight days old: the time is the id's (UUIDv7).
    const oldId = `${old
      .getTime()
      .toString(16)
      .padStart(12, '0')
      .replace(/^(.{8})(.{4})$/, '$1-$2')}-7000-8000-000000000001`;
    await em
      .getConnection()
      .execute("insert into scim_requests (tenant_id, id, method, path, status, duration_ms, request_id) values (?, ?, 'GET', '/Users', 200, 1, 'old')", [
        quiet.id,
        oldId,
      ]);
    const newestBusy = (await t.http.get(`/admin/v1/tenants/${busy.id}/scim-requests?limit=1`).set(admin).expect(200)).body.items[0].id;
    expect(await t.app.get(ScimRequestsService).prune()).toBe(51);
    const count = async (tenantId: string) =>
      Number(((await em.getConnection().execute('select count(*) as n from scim_requests where tenant_id = ?', [tenantId])) as { n: number | string }[])[0].n);
    expect([await count(busy.id), await count(quiet.id)]).toEqual([100, 1]);
    expect((await t.http.get(`/admin/v1/tenants/${busy.id}/scim-requests?limit=1`).set(admin).expect(200)).body.items[0].id).toBe(newestBusy);
  });
});
