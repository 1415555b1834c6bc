import type { JSONWebKeySet } from 'jose';
import { assertPushEndpoint } from '../../../libs/directory/src/events/endpoint-policy';
import { outcomeOf, retryAfterMs } from '../../../libs/directory/src/events/push-client';
import { MikroORM } from '@mikro-orm/core';
import { ProvisioningEventsRepository } from '@roster/directory';
import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { EventReceiver, seqOf, verifySet } from '../../../test/support/event-receiver';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const PROV = 'urn:ietf:params:scim:event:prov:';
const ISSUER = 'https://roster.test';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

interface PollStream {
  id: string;
  pollUrl: string;
  pollToken: string;
  audience: string;
}

describe.each(dialects())('provisioning events on %s', (dialect) => {
  let t: TestApp;
  let receiver: EventReceiver;
  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_EVENTS_ALLOW_INSECURE: 'true' });
    receiver = await new EventReceiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  const scim = (tenant: TestTenant) => ({ Authorization: `Bearer ${tenant.token}` });
  const jwks = async () => {
    const body = (await t.http.get('/.well-known/jwks.json').expect(200)).body;
    expectContract(body, 'Jwks');
    return body as JSONWebKeySet;
  };

  async function pollStream(tenant: TestTenant, body: Record<string, unknown> = {}): Promise<PollStream> {
    const created = await t.http
      .post(`/admin/v1/tenants/${tenant.id}/event-streams`)
      .set(admin)
      .send({ delivery: 'poll', ...body })
      .expect(201);
    expect(created.body.pollToken).toMatch(/^rstr-/);
    expectContract(created.body, 'CreatedEventStream');
    return created.body as PollStream;
  }

  function poll(stream: PollStream, body: Record<string, unknown> = { returnImmediately: true }, token = stream.pollToken) {
    return t.http.post(new URL(stream.pollUrl).pathname).set('Authorization', `Bearer ${token}`).send(body);
  }

  /** Every SET the stream has, verified against the JWKS, in order, acknowledged so the next call sees only new ones. */
  async function drain(stream: PollStream): Promise<Record<string, unknown>[]> {
    const response = await poll(stream, { returnImmediately: true, maxEvents: 1000 });
    expect(response.status).toBe(200);
    expectContract(response.body, 'PollResponse');
    expect(response.body.moreAvailable).toBe(false);
    const keys = await jwks();
    const claims = await Promise.all(
      Object.entries(response.body.sets as Record<string, string>).map(async ([jti, jws]) => {
        const payload = await verifySet(jws, keys, { issuer: ISSUER, audience: stream.audience });
        expect(payload.jti).toBe(jti);
        return payload;
      }),
    );
    claims.sort((a, b) => seqOf(a.jti) - seqOf(b.jti));
    await poll(stream, { returnImmediately: true, maxEvents: 0, ack: claims.map((c) => c.jti) }).expect(200);
    return claims;
  }

  const eventsOf = (claims: Record<string, unknown>[]) => claims.map((c) => Object.keys(c.events as object).map((uri) => uri.replace(PROV, '')));

  it('every change yields exactly its SETs, signed, in commit order; rejected and no-op writes yield none', async () => {
    const tenant = await createTenant(t);
    const full = await pollStream(tenant);
    const notice = await pollStream(tenant, { format: 'notice' });
    expect(full.audience).toBe(full.pollUrl);

    const created = await t.http
      .post(`${tenant.base}/Users`)
      .set(scim(tenant))
      .send({ userName: 'ada@example.com', externalId: 'okta-1', name: { givenName: 'Ada' } })
      .expect(201);
    const id = created.body.id as string;
    await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'ada@example.com' }).expect(409); // rejected: nothing
    const deactivated = await t.http
      .patch(`${tenant.base}/Users/${id}`)
      .set(scim(tenant))
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] })
      .expect(200);
    await t.http
      .patch(`${tenant.base}/Users/${id}`)
      .set(scim(tenant))
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })
      .expect(200); // no change: nothing
    const replaced = await t.http
      .put(`${tenant.base}/Users/${id}`)
      .set(scim(tenant))
      .send({ userName: 'ada@example.com', active: true, name: { givenName: 'Ada', familyName: 'Lovelace' } })
      .expect(200);
    const other = await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'bob@example.com' }).expect(201);
    const group = await t.http
      .post(`${tenant.base}/Groups`)
      .set(scim(tenant))
      .send({ displayName: 'Learners', members: [{ value: id }] })
      .expect(201);
    await t.http
      .patch(`${tenant.base}/Groups/${group.body.id}`)
      .set(scim(tenant))
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: other.body.id }] }] })
      .expect(204);
    const grown = await t.http.get(`${tenant.base}/Groups/${group.body.id}`).set(scim(tenant)).expect(200);
    await t.http.delete(`${tenant.base}/Users/${id}`).set(scim(tenant)).expect(204);
    await t.http.delete(`${tenant.base}/Groups/${group.body.id}`).set(scim(tenant)).expect(204);

    const sets = await drain(full);
    expect(eventsOf(sets)).toEqual([
      ['create:full'],
      ['patch:full', 'deactivate'],
      ['put:full', 'activate'],
      ['create:full'],
      ['create:full'],
      ['patch:full'],
      ['delete'],
      ['patch:full'], // the group lost its deleted member
      ['delete'],
    ]);
    const [create, deactivate, put] = sets;
    expect(create.sub_id).toEqual({ format: 'scim', uri: `/Users/${id}`, id, externalId: 'okta-1' });
    expect(create.iss).toBe(ISSUER);
    const createPayload = (create.events as Record<string, { data: Record<string, unknown>; version: string }>)[`${PROV}create:full`];
    expect(createPayload.data).toEqual(created.body);
    expect(createPayload.version).toBe(created.headers.etag);
    const deactivatePayload = (deactivate.events as Record<string, { data: Record<string, unknown>; version: string }>)[`${PROV}patch:full`];
    expect(deactivatePayload.data).toEqual(deactivated.body);
    expect(deactivatePayload.version).toBe(deactivated.headers.etag);
    expect((deactivate.events as Record<string, unknown>)[`${PROV}deactivate`]).toEqual({});
    expect((put.events as Record<string, { data: unknown }>)[`${PROV}put:full`].data).toEqual(replaced.body);
    const groupPatch = (sets[5].events as Record<string, { data: { members: unknown[] } }>)[`${PROV}patch:full`];
    expect(groupPatch.data).toEqual(grown.body);
    const afterDelete = (sets[7].events as Record<string, { data: { members: { value: string }[] } }>)[`${PROV}patch:full`];
    expect(afterDelete.data.members.map((m) => m.value)).toEqual([other.body.id]);
    expect(sets[6].events).toEqual({ [`${PROV}delete`]: {} });
    expect(new Set(sets.map((s) => s.txn)).size).toBe(sets.length);
    expect(new Set(sets.map((s) => s.jti)).size).toBe(sets.length);

    // The notice stream carries the same changes (same txn), with the changed attributes instead of the data.
    const notices = await drain(notice);
    expect(notices.map((n) => n.txn)).toEqual(sets.map((s) => s.txn));
    expect(eventsOf(notices)[1]).toEqual(['patch:notice', 'deactivate']);
    expect((notices[1].events as Record<string, unknown>)[`${PROV}patch:notice`]).toEqual({ version: deactivated.headers.etag, attributes: ['active'] });
    expect((notices[5].events as Record<string, unknown>)[`${PROV}patch:notice`]).toMatchObject({ attributes: ['members'] });
    expect((notices[0].events as Record<string, { attributes: string[] }>)[`${PROV}create:notice`].attributes).toEqual(
      expect.arrayContaining(['id', 'userName', 'externalId', 'name.givenName']),
    );
  });

  it('a group created empty, as Okta and Entra ID push one, carries its event; a duplicate name carries none', async () => {
    const tenant = await createTenant(t);
    const full = await pollStream(tenant);
    const group = await t.http.post(`${tenant.base}/Groups`).set(scim(tenant)).send({ displayName: 'Empty at first', members: [] }).expect(201);
    expectScimError(await t.http.post(`${tenant.base}/Groups`).set(scim(tenant)).send({ displayName: 'EMPTY AT FIRST' }), 409, 'uniqueness');
    const read = await t.http.get(`${tenant.base}/Groups/${group.body.id}`).set(scim(tenant)).expect(200);
    const sets = await drain(full);
    expect(eventsOf(sets)).toEqual([['create:full']]);
    const payload = (sets[0].events as Record<string, { data: Record<string, unknown>; version: string }>)[`${PROV}create:full`];
    expect(payload.data).toEqual(read.body);
    expect(payload.version).toBe(group.headers.etag);
    expect(sets[0].sub_id).toEqual({ format: 'scim', uri: `/Groups/${group.body.id}`, id: group.body.id });
  });

  it('a stream carries only the events it subscribed to, and only those committed after it was created', async () => {
    const tenant = await createTenant(t);
    await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'early@example.com' }).expect(201);
    const lifecycle = await pollStream(tenant, { events: [`${PROV}deactivate`, `${PROV}delete`] });
    const created = await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'late@example.com' }).expect(201);
    await t.http
      .patch(`${tenant.base}/Users/${created.body.id}`)
      .set(scim(tenant))
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(200);
    const sets = await drain(lifecycle);
    expect(eventsOf(sets)).toEqual([['deactivate']]);
    // A full stream cannot ask for notice events.
    const wrong = await t.http
      .post(`/admin/v1/tenants/${tenant.id}/event-streams`)
      .set(admin)
      .send({ delivery: 'poll', events: [`${PROV}create:notice`] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.scimType).toBe('invalidValue');
  });

  it('poll: unacknowledged SETs come again with the same jti, maxEvents pages, setErrs are final, long polls wake on a commit', async () => {
    const tenant = await createTenant(t);
    const stream = await pollStream(tenant);
    for (const name of ['a', 'b', 'c'])
      await t.http
        .post(`${tenant.base}/Users`)
        .set(scim(tenant))
        .send({ userName: `${name}@example.com` })
        .expect(201);
    const first = await poll(stream, { returnImmediately: true, maxEvents: 2 }).expect(200);
    const jtis = Object.keys(first.body.sets);
    expect(jtis).toHaveLength(2);
    expect(first.body.moreAvailable).toBe(true);
    const again = await poll(stream, { returnImmediately: true, maxEvents: 2 }).expect(200);
    expect(Object.keys(again.body.sets)).toEqual(jtis);
    // Acknowledge the second only: the first is still due, before the third.
    const next = await poll(stream, { returnImmediately: true, maxEvents: 10, ack: [jtis[1]] }).expect(200);
    const remaining = Object.keys(next.body.sets);
    expect(remaining).toHaveLength(2);
    expect(remaining[0]).toBe(jtis[0]);
    // The first is refused by the receiver (final), the third acknowledged: nothing is left.
    await poll(stream, {
      returnImmediately: true,
      maxEvents: 0,
      ack: [remaining[1]],
      setErrs: { [jtis[0]]: { err: 'invalid_request', description: 'unknown learner' } },
    }).expect(200);
    expect((await poll(stream).expect(200)).body).toEqual({ sets: {}, moreAvailable: false });
    const health = (await t.http.get(`/admin/v1/tenants/${tenant.id}/event-streams/${stream.id}`).set(admin).expect(200)).body.health;
    expect(health).toMatchObject({ backlog: 0, deliveredCount: 2, failedCount: 1 });
    expect(health.lastError).toContain('unknown learner');

    // A long poll returns as soon as an event is committed.
    const started = Date.now();
    const waiting = poll(stream, { maxEvents: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'd@example.com' }).expect(201);
    const woken = await waiting;
    expect(woken.status).toBe(200);
    expect(Object.keys(woken.body.sets)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("poll tokens work for their own stream only; streams never carry another tenant's events", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const streamA = await pollStream(a);
    const streamB = await pollStream(b);
    await t.http.post(`${b.base}/Users`).set(scim(b)).send({ userName: 'only-b@example.com' }).expect(201);
    expect((await poll(streamA)).body.sets).toEqual({});
    const wrongToken = await poll(streamA, { returnImmediately: true }, streamB.pollToken);
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect((await poll(streamA, { returnImmediately: true }, a.token)).status).toBe(401);
    // B's jti acknowledged on A's stream is ignored; B still gets its SET.
    const setsB = (await poll(streamB)).body.sets as Record<string, string>;
    await poll(streamA, { returnImmediately: true, ack: Object.keys(setsB) }).expect(200);
    expect(Object.keys((await poll(streamB)).body.sets)).toEqual(Object.keys(setsB));
    // Another tenant's admin path does not reach the stream either.
    await t.http.get(`/admin/v1/tenants/${b.id}/event-streams/${streamA.id}`).set(admin).expect(404);
    for (const body of [{ maxEvents: -1 }, { maxEvents: 'ten' }, { ack: 'x' }, { setErrs: { x: 'y' } }, [1]]) {
      const bad = await poll(streamA, body as Record<string, unknown>);
      expect(bad.status).toBe(400);
    }
  });

  it('push: in order to a real receiver, down then up; a 400 with an RFC 8935 error is final; the secret header is never shown', async () => {
    const tenant = await createTenant(t);
    const secret = 'Bearer push-secret-7f3a9c';
    receiver.received.length = 0;
    await receiver.stop(); // the receiver is down when the stream starts
    const down = await new EventReceiver().start();
    const port = down.port;
    await down.stop();
    const created = await t.http
      .post(`/admin/v1/tenants/${tenant.id}/event-streams`)
      .set(admin)
      .send({ delivery: 'push', endpointUrl: `http://127.0.0.1:${port}/events`, authorizationHeader: secret })
      .expect(201);
    expect(JSON.stringify(created.body)).not.toContain('push-secret');
    expect(created.body).toMatchObject({ delivery: 'push', hasAuthorizationHeader: true, format: 'full', status: 'active' });
    expectContract(created.body, 'CreatedEventStream');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await t.http
            .post(`${tenant.base}/Users`)
            .set(scim(tenant))
            .send({ userName: `push${i}@example.com` })
            .expect(201)
        ).body.id,
      );
    // Delivery fails and backs off; the stream says so.
    let health: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !health.consecutiveFailures; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = (await t.http.get(`/admin/v1/tenants/${tenant.id}/event-streams/${created.body.id}`).set(admin).expect(200)).body.health;
    }
    expect(health).toMatchObject({ backlog: 5, consecutiveFailures: 1, deliveredCount: 0 });
    expect(health.lastError).toMatch(/ECONNREFUSED/);

    // The receiver comes back on the same port; resuming (any PATCH) ends the backoff at once.
    const up = await new EventReceiver().start(port);
    let refusedOnce = false;
    up.respond = (set, res) => {
      // The third user's create is refused for good: recorded, not retried, and the rest still flows.
      if (!refusedOnce && set.jws && JSON.stringify(JSON.parse(Buffer.from(set.jws.split('.')[1], 'base64url').toString())).includes('push2@example.com')) {
        refusedOnce = true;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ err: 'invalid_request', description: 'no such course' }));
        return;
      }
      res.writeHead(202).end();
    };
    try {
      await t.http.patch(`/admin/v1/tenants/${tenant.id}/event-streams/${created.body.id}`).set(admin).send({ status: 'active' }).expect(200);
      const received = await up.waitFor(5);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(up.received).toHaveLength(5); // the refused SET was not sent again
      const keys = await jwks();
      const claims = await Promise.all(received.map((r) => verifySet(r.jws, keys, { issuer: ISSUER, audience: `http://127.0.0.1:${port}/events` })));
      expect(claims.map((c) => (c.sub_id as { id: string }).id)).toEqual(ids);
      expect(received.every((r) => r.authorization === secret && r.contentType === 'application/secevent+jwt')).toBe(true);
      let final: Record<string, unknown> = {};
      for (let i = 0; i < 50; i++) {
        final = (await t.http.get(`/admin/v1/tenants/${tenant.id}/event-streams/${created.body.id}`).set(admin).expect(200)).body.health;
        if (final.backlog === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(final).toMatchObject({ backlog: 0, deliveredCount: 4, failedCount: 1, consecutiveFailures: 0 });
      expect(final.lastError).toContain('no such course');
    } finally {
      await up.stop();
      receiver = await new EventReceiver().start();
    }
    // The secret header is in no response, audit entry or log line.
    const audit = await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events`).set(admin).expect(200);
    expect(JSON.stringify(audit.body)).toContain('event_stream.created');
    expect(JSON.stringify(audit.body)).not.toContain('push-secret');
    expect(t.logs.join('\n')).not.toContain('push-secret');
    const listed = await t.http.get(`/admin/v1/tenants/${tenant.id}/event-streams`).set(admin).expect(200);
    expectContract(listed.body, 'EventStreamList');
    const paused = await t.http
      .patch(`/admin/v1/tenants/${tenant.id}/event-streams/${created.body.id}`)
      .set(admin)
      .send({ status: 'paused', authorizationHeader: null })
      .expect(200);
    expectContract(paused.body, 'EventStream');
    expect(paused.body).toMatchObject({ status: 'paused', hasAuthorizationHeader: false });
    await t.http.delete(`/admin/v1/tenants/${tenant.id}/event-streams/${created.body.id}`).set(admin).expect(204);
    await t.http.get(`/admin/v1/tenants/${tenant.id}/event-streams/${created.body.id}`).set(admin).expect(404);
    expect(JSON.stringify(listed.body)).not.toContain('push-secret');
  });

  it('a receiver that never answers holds up no SCIM request: writes commit while its SET waits out the timeout', async () => {
    const tenant = await createTenant(t);
    const hanging = await new EventReceiver().start();
    hanging.respond = () => undefined; // accepts the connection, reads the SET, never answers
    try {
      await t.http.post(`/admin/v1/tenants/${tenant.id}/event-streams`).set(admin).send({ delivery: 'push', endpointUrl: hanging.url }).expect(201);
      await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'first@example.com' }).expect(201);
      await hanging.waitFor(1); // the first SET is in flight, unanswered
      // Were delivery part of the write path, each of these would wait for the 10 s push timeout.
      const started = Date.now();
      for (let i = 0; i < 20; i++)
        await t.http
          .post(`${tenant.base}/Users`)
          .set(scim(tenant))
          .send({ userName: `busy${i}@example.com` })
          .expect(201);
      expect(Date.now() - started).toBeLessThan(9_000);
      expect(hanging.received).toHaveLength(1); // in order: nothing after the unanswered SET
    } finally {
      await hanging.stop();
    }
  });

  it('signing keys rotate with an overlap: new SETs carry the new kid, the old key stays published', async () => {
    const tenant = await createTenant(t);
    const stream = await pollStream(tenant);
    await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'before@example.com' }).expect(201);
    const before = (await poll(stream)).body.sets as Record<string, string>;
    const oldKid = JSON.parse(Buffer.from(Object.values(before)[0].split('.')[0], 'base64url').toString()).kid;
    const rotated = await t.http.post('/admin/v1/signing-keys/rotate').set(admin).send({ overlapSeconds: 3600 }).expect(201);
    expect(rotated.body).toMatchObject({ algorithm: 'ES256', active: true });
    expectContract(rotated.body, 'SigningKey');
    expect(rotated.body.kid).not.toBe(oldKid);
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
    expect(published.keys.every((k) => k.d === undefined)).toBe(true); // never a private part
    const after = (await poll(stream)).body.sets as Record<string, string>;
    expect(JSON.parse(Buffer.from(Object.values(after)[0].split('.')[0], 'base64url').toString()).kid).toBe(rotated.body.kid);
    await verifySet(Object.values(before)[0], published, { issuer: ISSUER, audience: stream.audience });
    const keys = await t.http.get('/admin/v1/signing-keys').set(admin).expect(200);
    expectContract(keys.body, 'SigningKeyList');
    expect(keys.body.items[0]).toMatchObject({ kid: rotated.body.kid, active: true, retiresAt: null });
    expect(keys.body.items.find((k: { kid: string }) => k.kid === oldKid)).toMatchObject({ active: false });
  });

  it('a read-only token reads and searches but never writes; issuing it leaves the provisioning token alone', async () => {
    const tenant = await createTenant(t);
    const issued = await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ scope: 'read' }).expect(201);
    expect(issued.body.scope).toBe('read');
    const read = { Authorization: `Bearer ${issued.body.token}` };
    const user = await t.http.post(`${tenant.base}/Users`).set(scim(tenant)).send({ userName: 'reader@example.com' }).expect(201);
    await t.http.get(`${tenant.base}/Users/${user.body.id}`).set(read).expect(200);
    await t.http.get(`${tenant.base}/Groups`).set(read).expect(200);
    await t.http
      .post(`${tenant.base}/Users/.search`)
      .set(read)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "reader@example.com"' })
      .expect(200);
    await t.http
      .post(`${tenant.base}/.search`)
      .set(read)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })
      .expect(200);
    for (const attempt of [
      t.http.post(`${tenant.base}/Users`).set(read).send({ userName: 'nope@example.com' }),
      t.http
        .patch(`${tenant.base}/Users/${user.body.id}`)
        .set(read)
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }),
      t.http.put(`${tenant.base}/Users/${user.body.id}`).set(read).send({ userName: 'reader@example.com' }),
      t.http.delete(`${tenant.base}/Users/${user.body.id}`).set(read),
      t.http
        .post(`${tenant.base}/Bulk`)
        .set(read)
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [{ method: 'DELETE', path: `/Users/${user.body.id}` }] }),
    ]) {
      const response = await attempt;
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403' });
    }
    await t.http.get(`${tenant.base}/Users/${user.body.id}`).set(scim(tenant)).expect(200); // untouched, and the IdP's token still works
    // A new provisioning token revokes the old provisioning token only.
    await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({}).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // successful authentications are trusted for 1 s
    await t.http.get(`${tenant.base}/Users`).set(scim(tenant)).expect(401);
    await t.http.get(`${tenant.base}/Users`).set(read).expect(200);
  });

  it('the nightly pruning keeps what some stream has not received, and what is recent', async () => {
    const tenant = await createTenant(t);
    const behind = await pollStream(tenant);
    const ahead = await pollStream(tenant);
    for (const name of ['p1', 'p2', 'p3'])
      await t.http
        .post(`${tenant.base}/Users`)
        .set(scim(tenant))
        .send({ userName: `${name}@example.com` })
        .expect(201);
    // `ahead` acknowledges everything, `behind` only the first SET.
    const all = Object.keys((await poll(ahead).expect(200)).body.sets);
    await poll(ahead, { returnImmediately: true, maxEvents: 0, ack: all }).expect(200);
    const first = Object.keys((await poll(behind, { returnImmediately: true, maxEvents: 1 }).expect(200)).body.sets);
    await poll(behind, { returnImmediately: true, maxEvents: 0, ack: first }).expect(200);
    const em = t.app.get(MikroORM).em.fork();
    const count = async () =>
      Number(((await em.getConnection().execute('select count(*) as n from provisioning_events where tenant_id = ?', [tenant.id])) as { n: number }[])[0].n);
    expect(await t.app.get(ProvisioningEventsRepository).pruneDelivered(em, new Date(Date.now() - 3600_000))).toBe(0); // nothing is old enough
    expect(await count()).toBe(3);
    await t.app.get(ProvisioningEventsRepository).pruneDelivered(em, new Date(Date.now() + 3600_000)); // everything is old: only what both streams are past goes
    expect(await count()).toBe(2);
    expect(Object.keys((await poll(behind).expect(200)).body.sets)).toHaveLength(2);
  });

  it('answers every ugly input on the event endpoints with a SCIM error, never a 500', async () => {
    const tenant = await createTenant(t);
    const other = await createTenant(t);
    const streams = `/admin/v1/tenants/${tenant.id}/event-streams`;
    const stream = await pollStream(tenant);
    const json = (req: ReturnType<typeof t.http.post>) => req.set(admin).set('Content-Type', 'application/json');
    // Malformed JSON, wrong types, oversized values, on create and on change.
    expectScimError(await json(t.http.post(streams)).send('{"delivery": "poll"'), 400, 'invalidSyntax');
    expectScimError(await t.http.post(streams).set(admin).send({ delivery: 5 }), 400);
    expectScimError(
      await t.http
        .post(streams)
        .set(admin)
        .send({ delivery: 'push', endpointUrl: 'https://example.com/x', authorizationHeader: 'x'.repeat(5000) }),
      400,
    );
    expectScimError(await t.http.post(streams).set(admin).send({ delivery: 'poll', audience: 'not a uri' }), 400, 'invalidValue');
    const one = `${streams}/${stream.id}`;
    expectScimError(await json(t.http.patch(one)).send('{"status":'), 400, 'invalidSyntax');
    for (const body of [
      {},
      { status: 'bogus' },
      { status: true },
      { events: ['urn:ietf:params:scim:event:prov:create:notice'] },
      { endpointUrl: 'https://example.com/x' },
      { colour: 'red' },
    ]) {
      expectScimError(await t.http.patch(one).set(admin).send(body), 400);
    }
    // Another tenant's stream, an id that is no id.
    expectScimError(await t.http.get(`/admin/v1/tenants/${other.id}/event-streams/${stream.id}`).set(admin), 404);
    expectScimError(await t.http.patch(`/admin/v1/tenants/${other.id}/event-streams/${stream.id}`).set(admin).send({ status: 'paused' }), 404);
    expectScimError(await t.http.delete(`/admin/v1/tenants/${other.id}/event-streams/${stream.id}`).set(admin), 404);
    expectScimError(await t.http.get(`${streams}/not-a-uuid`).set(admin), 404);
    expect((await t.http.get(one).set(admin).expect(200)).body.status).toBe('active'); // nothing above changed it
    // Polling: malformed JSON, no token, an id that is no id, a push stream's id.
    const pollPath = new URL(stream.pollUrl).pathname;
    expectScimError(
      await t.http.post(pollPath).set('Authorization', `Bearer ${stream.pollToken}`).set('Content-Type', 'application/json').send('{"ack": ['),
      400,
      'invalidSyntax',
    );
    expectScimError(await t.http.post(pollPath).send({ returnImmediately: true }), 401);
    expectScimError(await t.http.post('/events/v1/streams/not-a-uuid/poll').set('Authorization', `Bearer ${stream.pollToken}`).send({}), 401);
    const push = await t.http.post(streams).set(admin).send({ delivery: 'push', endpointUrl: 'http://127.0.0.1:9/x' }).expect(201);
    expectScimError(await t.http.post(`/events/v1/streams/${push.body.id}/poll`).set('Authorization', `Bearer ${stream.pollToken}`).send({}), 401);
    // Key rotation and token scope take only what the contract allows.
    for (const body of [{ overlapSeconds: -1 }, { overlapSeconds: 'abc' }, { overlapSeconds: 99_999_999 }, { overlap: 5 }]) {
      expectScimError(await t.http.post('/admin/v1/signing-keys/rotate').set(admin).send(body), 400);
    }
    expectScimError(await json(t.http.post('/admin/v1/signing-keys/rotate')).send('{"overlapSeconds"'), 400, 'invalidSyntax');
    for (const scope of ['write', 7, null]) expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ scope }), 400);
    expectScimError(await t.http.get('/admin/v1/tenants/not-a-uuid/health').set(admin), 404);
  });

  it('refuses bad stream definitions', async () => {
    const tenant = await createTenant(t);
    for (const body of [
      {},
      { delivery: 'webhook' },
      { delivery: 'push' },
      { delivery: 'push', endpointUrl: 'not a url' },
      { delivery: 'push', endpointUrl: 'ftp://example.com/x' },
      { delivery: 'push', endpointUrl: 'https://user:pw@example.com/x' },
      { delivery: 'push', endpointUrl: 'https://example.com/x', authorizationHeader: 'Bearer a\r\nX-Evil: 1' },
      { delivery: 'poll', endpointUrl: 'https://example.com/x' },
      { delivery: 'poll', format: 'verbose' },
      { delivery: 'poll', events: [] },
      { delivery: 'poll', unknown: true },
    ]) {
      const response = await t.http.post(`/admin/v1/tenants/${tenant.id}/event-streams`).set(admin).send(body);
      expect([response.status, body]).toEqual([400, body]);
      expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    }
    await t.http.post('/admin/v1/tenants/00000000-0000-4000-8000-000000000000/event-streams').set(admin).send({ delivery: 'poll' }).expect(404);
  });
});

describe('push endpoint policy (without ROSTER_EVENTS_ALLOW_INSECURE)', () => {
  it.each([
    'http://example.com/events',
    'https://127.0.0.1/events',
    'https://10.1.2.3/events',
    'https://169.254.169.254/latest',
    'https://[::1]/events',
    'https://[::ffff:192.168.0.1]/events',
    'https://localhost/events',
    'https://api.localhost/events',
    // IPv6 forms that carry a private IPv4 address inside them
    'https://[::127.0.0.1]/events', // IPv4-compatible
    'https://[::7f00:1]/events', // the same, as WHATWG URL parsing writes it
    'https://[::ffff:0:127.0.0.1]/events', // IPv4-translated
    'https://[::ffff:0:a9fe:a9fe]/latest', // translated 169.254.169.254
    'https://[64:ff9b::10.0.0.1]/events', // NAT64
    'https://[64:ff9b:1::1]/events', // local-use NAT64
    'https://[2002:c0a8:0001::1]/events', // 6to4 of 192.168.0.1
    'https://[2002:7f00:1::]/events', // 6to4 of 127.0.0.1
    'https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/events', // Teredo, client 127.0.0.1 (stored inverted)
    'https://[fec0::1]/events',
    'https://[2001:db8::1]/events',
  ])('refuses %s', async (url) => {
    await expect(assertPushEndpoint(url, false)).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('accepts a public https address, and anything on loopback when insecure endpoints are allowed', async () => {
    await expect(assertPushEndpoint('https://93.184.215.14/events', false)).resolves.toBe('https://93.184.215.14/events');
    // Public addresses stay reachable through the same IPv6 forms (NAT64, 6to4) and as plain IPv6.
    await expect(assertPushEndpoint('https://[64:ff9b::93.184.215.14]/events', false)).resolves.toBe('https://[64:ff9b::5db8:d70e]/events');
    await expect(assertPushEndpoint('https://[2002:5db8:d70e::1]/events', false)).resolves.toBe('https://[2002:5db8:d70e::1]/events');
    await expect(assertPushEndpoint('https://[2606:2800:220:1::1]/events', false)).resolves.toBe('https://[2606:2800:220:1::1]/events');
    await expect(assertPushEndpoint('http://127.0.0.1:8080/events', true)).resolves.toBe('http://127.0.0.1:8080/events');
  });
});

describe('push outcomes (RFC 8935 §2.4)', () => {
  it('2xx is delivered; 400 with an error object is final; other answers are retried, honouring Retry-After', () => {
    expect(outcomeOf(202, undefined, '')).toEqual({ kind: 'delivered' });
    expect(outcomeOf(400, undefined, '{"err":"invalid_key","description":"unknown kid"}')).toEqual({
      kind: 'rejected',
      err: 'invalid_key',
      description: 'unknown kid',
    });
    expect(outcomeOf(400, undefined, 'not json')).toMatchObject({ kind: 'retry' });
    expect(outcomeOf(503, '7', '')).toMatchObject({ kind: 'retry', retryAfterMs: 7000 });
    expect(outcomeOf(429, undefined, '')).toMatchObject({ kind: 'retry', retryAfterMs: undefined });
    expect(retryAfterMs('Wed, 02 Dec 2026 10:00:30 GMT', Date.parse('2026-12-02T10:00:00Z'))).toBe(30_000);
    expect(retryAfterMs('999999')).toBe(3600_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
