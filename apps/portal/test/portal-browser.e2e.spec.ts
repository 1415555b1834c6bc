import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensurePortalBuilt, ROOT } from '../../../test/support/built-server';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../../test/support/test-app';

reportSkippedPostgres();

const CHROMIUM = process.env.ROSTER_CHROMIUM ?? '/usr/bin/chromium';
// CI installs Chromium and sets ROSTER_REQUIRE_BROWSER=1: there the test runs or fails, never skips.
const browserAvailable = existsSync(CHROMIUM) || process.env.ROSTER_REQUIRE_BROWSER === '1';
const describeWithBrowser = browserAvailable ? describe : describe.skip;
if (!browserAvailable) test.skip(`portal browser test SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set ROSTER_CHROMIUM)`, () => undefined);

// ROSTER_PORTAL_SCREENSHOTS=docs refreshes the screenshots docs/portal.md shows; otherwise they go to test-output.
const SHOTS = (dialect: string) =>
  process.env.ROSTER_PORTAL_SCREENSHOTS === 'docs' && dialect === 'sqlite' ? join(ROOT, 'docs/portal') : join(ROOT, 'test-output/portal', dialect);
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const OKTA = { 'User-Agent': 'Okta SCIM Client 1.0.0', 'Content-Type': 'application/scim+json', Accept: 'application/scim+json' };

/** axe-core on the page as it is now: no serious or critical violation. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(`${AXE};0`);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect([what, serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)]).toEqual([what, []]);
}

// The focused element's text, aria-label, label and value (run in the page).
const FOCUSED_NAME = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return '';
  const label = (element.id ? document.querySelector('label[for="' + element.id + '"]')?.textContent : '') || element.closest('label')?.textContent;
  return [element.tagName === 'INPUT' ? '' : element.textContent, element.getAttribute('aria-label'), label, element.value].filter(Boolean).join(' ').trim();
})()`;
const FOCUSED_TEXT = 'document.activeElement?.textContent';

/** Presses Tab until the focused element's text or label matches, as a keyboard-only user would. */
async function tabTo(page: Page, name: RegExp, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(FOCUSED_NAME)) as string;
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

describeWithBrowser.each(dialects())('the setup portal in Chromium on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  let shots: string;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => cspViolations.push(`page error: ${error.message}`));
    return page;
  }
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await ensurePortalBuilt();
    shots = SHOTS(dialect);
    mkdirSync(shots, { recursive: true });
    // Without ROSTER_PUBLIC_URL the portal's links and base URLs are on the origin the browser uses.
    t = await startTestApp(dialect, { ROSTER_PUBLIC_URL: '', ROSTER_PORTAL_PRODUCT_NAME: 'Learnly' });
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('walks the whole story: the operator makes a tenant and a setup link, the IT admin connects Okta and watches the first learner arrive', async () => {
    // The operator signs in and creates the tenant and a setup link.
    const operator = await newPage();
    await operator.goto(`${origin}/portal/`);
    await operator.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await expectAccessible(operator, 'sign-in');
    await shoot(operator, 'sign-in');
    await operator.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await operator.getByRole('button', { name: 'Sign in' }).click();
    await operator.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    await operator.getByLabel('Customer name').fill('Acme Learning');
    await operator.getByRole('button', { name: 'Create tenant' }).click();
    await operator.getByRole('heading', { name: 'Manage Acme Learning', exact: true }).waitFor();
    await operator.getByRole('button', { name: 'Create setup link' }).click();
    const link = await operator.getByRole('textbox', { name: 'Setup link', exact: true }).inputValue();
    expect(link).toMatch(new RegExp(`^${origin}/portal/link\\?key=[\\w-]{43}$`));
    await expectAccessible(operator, 'manage');
    await shoot(operator, 'operator-manage');
    await operator.getByRole('link', { name: 'All tenants' }).click();
    await operator.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    await operator.getByRole('link', { name: 'Acme Learning' }).waitFor();
    await expectAccessible(operator, 'tenants');
    await shoot(operator, 'operator-tenants');

    // The IT admin opens the link in their own browser: signed in, on the setup page, waiting for Okta.
    const admin = await newPage();
    await admin.goto(link);
    expect(new URL(admin.url()).pathname).toBe('/portal/');
    expect(admin.url()).not.toContain('key=');
    await admin.getByRole('heading', { name: 'Set up provisioning', exact: true }).waitFor();
    await admin.getByText('Waiting for your identity provider').waitFor();
    const baseUrl = await admin.getByRole('textbox', { name: 'SCIM connector base URL', exact: true }).inputValue();
    expect(baseUrl).toBe(`${origin}/scim/v2/acme-learning`);
    await expectAccessible(admin, 'setup');
    await shoot(admin, 'setup-waiting');
    await admin.getByRole('button', { name: 'Generate token' }).click();
    await admin.getByText('Copy the token now: it will not be shown again.').waitFor();
    const token = await admin.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    expect(token).toMatch(/^rstr-/);
    await shoot(admin, 'setup-token');

    // Okta: Test API Credentials, then a learner with the learner extension, a profile update, a deactivation.
    const okta = (path: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${path}`, { ...init, headers: { ...OKTA, Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
    expect((await okta('/Users?startIndex=1&count=2')).status).toBe(200);
    await admin.getByText(/Okta tested the connection at .* — OK/).waitFor({ timeout: 10_000 });
    await expectAccessible(admin, 'setup, connected');
    await shoot(admin, 'setup-connected');
    expect((await okta(`/Users?filter=${encodeURIComponent('userName eq "ada@acme.example"')}&startIndex=1&count=100`)).status).toBe(200);
    const created = await okta('/Users', {
      method: 'POST',
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ROSTER],
        userName: 'ada@acme.example',
        externalId: '00u1ada0le5T6Aj10h7',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ primary: true, value: 'ada@acme.example', type: 'work' }],
        active: true,
        [ROSTER]: { job_role: 'Engineer', company: 'Acme', security_champion: false },
      }),
    });
    expect(created.status).toBe(201);
    const ada = (await created.json()) as { id: string };
    const patch = (Operations: unknown[]) =>
      okta(`/Users/${ada.id}`, { method: 'PATCH', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations }) });
    expect((await patch([{ op: 'replace', value: { title: 'Principal Engineer', [`${ROSTER}:team_name`]: 'Platform' } }])).status).toBe(200);

    await admin.getByRole('link', { name: 'Directory' }).click();
    await admin.getByRole('heading', { name: 'Directory', exact: true }).waitFor();
    await admin.getByLabel('userName, e-mail or name starts with').fill('ada');
    await admin.getByRole('button', { name: 'Search' }).click();
    const row = admin.getByRole('row', { name: /ada@acme\.example/ });
    await row.getByText('Active').waitFor();
    await expectAccessible(admin, 'directory');
    await shoot(admin, 'directory');

    expect((await patch([{ op: 'replace', value: { active: false } }])).status).toBe(200);
    await admin.getByRole('button', { name: 'Search' }).click();
    await row.getByText('Deactivated').waitFor();
    await row.getByRole('link', { name: 'ada@acme.example' }).click();
    await admin.getByRole('heading', { name: 'ada@acme.example', exact: true }).waitFor();
    await admin.getByText('Engineer', { exact: true }).waitFor();
    await admin.getByText('Learner deactivated').waitFor();
    await expectAccessible(admin, 'learner');
    await shoot(admin, 'learner');

    // A token that is not this tenant's: the activity explains it, and the connection check turns red.
    expect((await fetch(`${baseUrl}/Users?startIndex=1&count=2`, { headers: { ...OKTA, Authorization: 'Bearer rstr-an-old-token' } })).status).toBe(401);
    await admin.getByRole('link', { name: 'Activity' }).click();
    await admin.getByRole('heading', { name: 'Activity', exact: true }).waitFor();
    const refused = admin.getByRole('region', { name: 'Refused requests' });
    await refused.getByText("A request with a token that is not this tenant's current token was refused.").waitFor({ timeout: 10_000 });
    await admin
      .getByText(/Paste the token again/)
      .first()
      .waitFor();
    await expectAccessible(admin, 'activity');
    await shoot(admin, 'activity');

    await admin.getByRole('link', { name: 'Attributes' }).click();
    await admin.getByRole('heading', { name: 'Attributes', exact: true }).waitFor();
    await expect(admin.getByRole('textbox', { name: 'Schema (external namespace)', exact: true }).last().inputValue()).resolves.toBe(ROSTER);
    await admin.getByRole('row', { name: /job_role .*user\.userType/ }).waitFor();
    await expectAccessible(admin, 'attributes');
    await shoot(admin, 'attributes');

    await admin.getByRole('link', { name: 'Token' }).click();
    await admin.getByRole('heading', { name: 'Token', exact: true }).waitFor();
    await expectAccessible(admin, 'token');
    await shoot(admin, 'token');

    // The operator's view of the same tenant's activity.
    await operator.getByRole('link', { name: 'Acme Learning' }).click();
    await operator.getByRole('link', { name: 'Activity' }).click();
    await operator
      .getByText(/ada@acme\.example/)
      .first()
      .waitFor();
    expect(cspViolations).toEqual([]);
  });

  it('takes a keyboard-only admin through choosing the identity provider and generating the token', async () => {
    const operator = await newPage();
    await operator.goto(`${origin}/portal/`);
    await operator.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await operator.keyboard.press('Enter');
    await operator.getByRole('heading', { name: 'Tenants', exact: true }).waitFor();
    await operator.getByLabel('Customer name').fill('Keyboard Co');
    await operator.keyboard.press('Enter');
    await operator.getByRole('heading', { name: 'Manage Keyboard Co', exact: true }).waitFor();
    await operator.getByRole('button', { name: 'Create setup link' }).click();
    const link = await operator.getByRole('textbox', { name: 'Setup link', exact: true }).inputValue();

    const admin = await newPage();
    await admin.goto(link);
    await admin.getByRole('heading', { name: 'Set up provisioning', exact: true }).waitFor();
    // The skip link comes first, then the navigation, then the page.
    await admin.keyboard.press('Tab');
    expect(await admin.evaluate(FOCUSED_TEXT)).toBe('Skip to content');
    await tabTo(admin, /Okta — catalog app/);
    await admin.keyboard.press('ArrowRight'); // App Integration Wizard
    await admin.keyboard.press('ArrowRight'); // Microsoft Entra ID
    await admin.getByRole('heading', { name: 'Microsoft Entra ID: step by step', exact: true }).waitFor();
    expect(await admin.getByRole('textbox', { name: 'Tenant URL', exact: true }).inputValue()).toMatch(/\/scim\/v2\/keyboard-co\?aadOptscim062020$/);
    await tabTo(admin, /^Generate token$/);
    await admin.keyboard.press('Enter');
    await admin.getByText('Copy the token now: it will not be shown again.').waitFor();
    // The token takes the focus, so that a screen reader reads it out.
    expect(await admin.evaluate(FOCUSED_TEXT)).toContain('Copy the token now');
    const first = await admin.getByRole('textbox', { name: 'Bearer token', exact: true }).inputValue();
    await tabTo(admin, /hide the token/);
    await admin.keyboard.press('Enter');
    await admin.getByText('Copy the token now: it will not be shown again.').waitFor({ state: 'detached' });
    // The IdP tests the credentials: the token is now in use, which the page says when the admin comes back to it.
    expect((await fetch(`${origin}/scim/v2/keyboard-co/Users`, { headers: { Authorization: `Bearer ${first}` } })).status).toBe(200);
    await admin.reload();
    await admin.getByRole('button', { name: /Generate a new token/ }).waitFor({ timeout: 15_000 });
    // Replacing a token in use asks first; the question takes the focus.
    await tabTo(admin, /Generate a new token/);
    await admin.keyboard.press('Enter');
    await admin.getByRole('heading', { name: 'Replace the token in use?', exact: true }).waitFor();
    expect(await admin.evaluate(FOCUSED_TEXT)).toBe('Replace the token in use?');
    // A radio group is one tab stop: the arrow keys choose within it.
    await tabTo(admin, /Stop the current token at once/);
    await admin.keyboard.press('ArrowDown');
    expect(await admin.getByRole('radio', { name: /working for 1 hour/ }).isChecked()).toBe(true);
    await tabTo(admin, /^Replace the token$/);
    await admin.keyboard.press('Enter');
    await admin.getByText('Copy the token now: it will not be shown again.').waitFor();
    const tokenBox = admin.getByRole('textbox', { name: 'Bearer token', exact: true });
    let second = await tokenBox.inputValue();
    for (let i = 0; i < 50 && second === first; i++) {
      await admin.waitForTimeout(100);
      second = await tokenBox.inputValue();
    }
    expect(second).not.toBe(first);
    // The overlap was taken: both work for now.
    const base = `${origin}/scim/v2/keyboard-co`;
    for (const token of [first, second]) expect((await fetch(`${base}/Users`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await expectAccessible(admin, 'setup, keyboard');
    expect(cspViolations).toEqual([]);
  });

  it('ships at most 150 KB of JavaScript, gzipped', () => {
    const dir = join(ROOT, 'dist/portal/assets');
    const scripts = readdirSync(dir).filter((file) => file.endsWith('.js'));
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(dir, file))).length, 0);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
  });
});
