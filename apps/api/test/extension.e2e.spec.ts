import { attr, rosterUserSchema } from '@roster/scim-core';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';

// "Adding an attribute is one schema entry": this suite adds `location` to the learner extension and
// changes nothing else, then checks it is discoverable, validated, stored, returned and filterable.
describe.each(dialects())('adding an extension attribute on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  beforeAll(async () => {
    rosterUserSchema.attributes.push(attr.string('location'), attr.integer('level'));
    t = await startTestApp(dialect);
    tenant = await createTenant(t);
  });
  afterAll(async () => {
    rosterUserSchema.attributes.splice(-2, 2);
    await t?.close();
  });

  it('shows in /Schemas, validates, stores, filters and projects', async () => {
    const schema = (await t.http.get(`${tenant.base}/Schemas/${ROSTER}`).set(auth()).expect(200)).body;
    expect(schema.attributes.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['location', 'level']));
    const created = await t.http
      .post(`${tenant.base}/Users`)
      .set(auth())
      .send({ userName: 'paris@example.com', [ROSTER]: { Location: 'Paris', level: '3' } })
      .expect(201);
    expect(created.body[ROSTER]).toEqual({ location: 'Paris', level: 3 });
    await t.http
      .post(`${tenant.base}/Users`)
      .set(auth())
      .send({ userName: 'bad@example.com', [ROSTER]: { level: 'high' } })
      .expect(400);
    await t.http
      .post(`${tenant.base}/Users`)
      .set(auth())
      .send({ userName: 'lyon@example.com', [ROSTER]: { location: 'Lyon', level: 5 } })
      .expect(201);
    const found = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(`${ROSTER}:location eq "paris"`)}`)
      .set(auth())
      .expect(200);
    expect(found.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['paris@example.com']);
    const senior = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(`${ROSTER}:level gt 4`)}&attributes=${ROSTER}:level`)
      .set(auth())
      .expect(200);
    expect(senior.body.Resources).toEqual([{ schemas: expect.any(Array), id: expect.any(String), [ROSTER]: { level: 5 } }]);
    const patched = await t.http
      .patch(`${tenant.base}/Users/${created.body.id}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', path: `${ROSTER}:location`, value: 'Nice' }] })
      .expect(200);
    expect(patched.body[ROSTER].location).toBe('Nice');
  });
});
