import { randomUUID } from 'node:crypto';
import type { ScimCaller } from '@roster/platform';
import { attr, matchesElement, parseListQuery, ScimError, type JsonObject, type ResourceType } from '@roster/scim-core';
import { ScimCollections, type ScimCollection } from '@roster/directory';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

const DEVICE_SCHEMA = 'urn:example:params:scim:schemas:core:2.0:Device';

const DeviceResourceType: ResourceType = {
  id: 'Device',
  name: 'Device',
  endpoint: '/Devices',
  description: 'A device a learner signs in from (a resource type of this test only)',
  schema: { id: DEVICE_SCHEMA, name: 'Device', description: 'Device', attributes: [attr.string('displayName', { required: true })] },
  extensions: [],
};

/**
 * A resource type that exists only here, kept in memory per tenant: registering it is all it takes for Bulk
 * and the root .search to reach it (CONTRIBUTING.md, "Add a resource type").
 */
function deviceCollection(): ScimCollection & { stored: Map<string, JsonObject> } {
  const stored = new Map<string, JsonObject>();
  const key = (caller: ScimCaller, id: string) => `${caller.tenantId}/${id}`;
  const write = (caller: ScimCaller, id: string, data: unknown) => {
    const displayName = (data as { displayName?: unknown }).displayName;
    if (typeof displayName !== 'string') throw ScimError.invalidValue('displayName is required');
    const resource = { schemas: [DEVICE_SCHEMA], id, displayName, meta: { resourceType: 'Device', location: `${caller.baseUrl}/Devices/${id}` } };
    stored.set(key(caller, id), resource);
    return { resource, version: 1 };
  };
  const existing = (caller: ScimCaller, id: string) => {
    if (!stored.has(key(caller, id))) throw ScimError.notFound(`Device ${id} not found`);
  };
  return {
    type: DeviceResourceType,
    stored,
    list: async (caller, raw) => {
      const query = parseListQuery(DeviceResourceType, raw, { defaultCount: 100, maxResults: 1000 });
      const mine = [...stored.entries()].filter(([k]) => k.startsWith(`${caller.tenantId}/`)).map(([, resource]) => resource);
      // A device has one attribute, so a filter (bound to the Device schema) can only compare its displayName.
      const matching = query.filter ? mine.filter((resource) => matchesElement(query.filter!, resource.displayName)) : mine;
      return { total: matching.length, projection: query.projection, resources: matching.slice(query.startIndex - 1, query.startIndex - 1 + query.count) };
    },
    create: async (caller, data) => write(caller, randomUUID(), data),
    replace: async (caller, id, data) => (existing(caller, id), write(caller, id, data)),
    patch: async () => {
      throw ScimError.invalidValue('Devices are replaced, not patched');
    },
    delete: async (caller, id) => {
      existing(caller, id);
      stored.delete(key(caller, id));
    },
    render: async () => null,
  };
}

describe('a resource type registered with ScimCollections', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let devices: ReturnType<typeof deviceCollection>;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    devices = deviceCollection();
    t.app.get(ScimCollections).register(devices);
    tenant = await createTenant(t, 'Devices');
  });
  afterAll(async () => t?.close());

  it('is reached through Bulk: created, replaced and deleted, with bulkId references across types', async () => {
    const operations = [
      { method: 'POST', path: '/Devices', bulkId: 'laptop', data: { schemas: [DEVICE_SCHEMA], displayName: 'Lab laptop' } },
      { method: 'POST', path: '/Users', bulkId: 'ada', data: { userName: 'ada@example.com' } },
      { method: 'PUT', path: '/devices/bulkId:laptop', data: { schemas: [DEVICE_SCHEMA], displayName: 'Lab laptop 2' } },
      { method: 'POST', path: '/Devices', bulkId: 'phone', data: { schemas: [DEVICE_SCHEMA], displayName: 'Phone' } },
      { method: 'DELETE', path: '/Devices/bulkId:phone' },
      { method: 'PATCH', path: '/Devices/bulkId:laptop', data: { Operations: [] } },
    ];
    const bulk = (list: object[]) =>
      t.http
        .post(`${tenant.base}/Bulk`)
        .set(auth())
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: list });
    // An endpoint nothing registered refuses the whole request before any operation runs.
    const refused = await bulk([...operations, { method: 'POST', path: '/Printers', bulkId: 'p', data: {} }]);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('/Users, /Groups, /Devices');
    expect(devices.stored.size).toBe(0);

    const ran = await bulk(operations).expect(200);
    expect(ran.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201', '200', '201', '204', '400']);
    expect(ran.body.Operations[0].location).toMatch(new RegExp(`${tenant.base}/Devices/[0-9a-f-]{36}$`));
    expect([...devices.stored.values()].map((d) => d.displayName)).toEqual(['Lab laptop 2']);
  });

  it('is reached through the root .search, after the users and groups, paged with them', async () => {
    await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'Lab staff' }).expect(201);
    const all = await t.http
      .post(`${tenant.base}/.search`)
      .set(auth())
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })
      .expect(200);
    expect(all.body.totalResults).toBe(3);
    expect(all.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType)).toEqual(['User', 'Group', 'Device']);

    const lab = await t.http
      .post(`${tenant.base}/.search`)
      .set(auth())
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName sw "Lab"', startIndex: 2, count: 1 })
      .expect(200);
    expect(lab.body).toMatchObject({ totalResults: 2, startIndex: 2, itemsPerPage: 1 });
    expect(lab.body.Resources[0]).toMatchObject({ displayName: 'Lab laptop 2', meta: { resourceType: 'Device' } });
  });
});
