import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { contractRoutes, loadContract, scimTenantView } from '@roster/platform';
import { createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

const ROOT = join(__dirname, '..', '..', '..');

// Normalises `/scim/v2/{tenant}/Users/{id}` and `/scim/v2/{tenant}/Users/{userId}` to one key.
const key = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '')}`;

describe('contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('has exactly the routes the OpenAPI document describes (route parity)', () => {
    // @nestjs/swagger walks Nest's own route metadata; used here only to list what the code serves.
    const implemented = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
    const inCode = new Set<string>();
    for (const [path, item] of Object.entries(implemented.paths)) {
      for (const method of Object.keys(item)) inCode.add(key(method, path));
    }
    const inContract = new Set<string>();
    for (const [path, methods] of Object.entries(contractRoutes(loadContract().document))) {
      for (const method of methods) inContract.add(key(method, path));
    }
    expect([...inCode].filter((r) => !inContract.has(r)).sort()).toEqual([]);
    expect([...inContract].filter((r) => !inCode.has(r)).sort()).toEqual([]);
  });

  it('has committed generated types that match the document (npm run openapi:types)', () => {
    expect(() =>
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'),
          'openapi/roster.openapi.yaml',
          '-o',
          'libs/contract/src/generated/roster-api.ts',
          '--alphabetize',
          '--check',
        ],
        { cwd: ROOT, stdio: 'pipe' },
      ),
    ).not.toThrow();
  });

  it('serves the hand-written document at /openapi.json, /openapi.yaml and /docs', async () => {
    const json = await t.http.get('/openapi.json').expect(200);
    expect(json.body.info.title).toBe('Roster');
    expect(Object.keys(json.body.paths).sort()).toEqual(Object.keys(loadContract().document.paths).sort());
    const yaml = await t.http.get('/openapi.yaml').expect(200);
    expect(yaml.text).toContain('openapi: 3.1.0');
    const docs = await t.http.get('/docs').redirects(1).expect(200);
    expect(docs.text).toContain('swagger-ui');
    // Swagger UI's first definition: the SCIM surface with the tenant as a server variable.
    const scim = await t.http.get('/openapi/scim.json').expect(200);
    expect(scim.body).toEqual(JSON.parse(JSON.stringify(scimTenantView(loadContract().document))));
    const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/openapi/scim.json');
  });

  it('accepts every example the document gives for creating users and groups, as Swagger UI would send it', async () => {
    type Operation = { requestBody?: { content?: Record<string, { examples?: Record<string, { value: unknown }> }> } };
    const paths = loadContract().document.paths as unknown as Record<string, Record<string, Operation>>;
    const tenant = await createTenant(t, 'Examples');
    let sent = 0;
    for (const resource of ['Users', 'Groups']) {
      const content = paths[`/scim/v2/{tenant}/${resource}`].post.requestBody?.content ?? {};
      for (const [mediaType, { examples = {} }] of Object.entries(content)) {
        for (const [name, example] of Object.entries(examples)) {
          const created = await t.http
            .post(`${tenant.base}/${resource}`)
            .set('Authorization', `Bearer ${tenant.token}`)
            .set('Content-Type', mediaType)
            .send(JSON.stringify(example.value));
          expect({ resource, mediaType, name, status: created.status, detail: created.body.detail }).toEqual({
            resource,
            mediaType,
            name,
            status: 201,
            detail: undefined,
          });
          await t.http.delete(`${tenant.base}/${resource}/${created.body.id}`).set('Authorization', `Bearer ${tenant.token}`).expect(204);
          sent++;
        }
      }
    }
    expect(sent).toBeGreaterThanOrEqual(4);
  });
});
