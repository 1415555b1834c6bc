import { eventUri, eventUrisOf, parsePollRequest, securityEventClaims, subscribedEvents, type ProvisioningChange } from '../src';

const PROV = 'urn:ietf:params:scim:event:prov:';

const change = (over: Partial<ProvisioningChange> = {}): ProvisioningChange => ({
  txn: '7b1f0c2e-0000-4000-8000-000000000001',
  resourceType: 'User',
  resourceId: 'a1',
  externalId: 'okta-1',
  kinds: ['patch', 'deactivate'],
  version: 'W/"3"',
  data: { id: 'a1', active: false },
  attributes: ['active'],
  occurredAt: new Date('2026-12-01T10:00:00.900Z'),
  ...over,
});

describe('RFC 9967 event URIs', () => {
  it('qualifies create, put and patch with the format; delete, activate and deactivate have no qualifier', () => {
    expect(eventUri('create', 'full')).toBe(`${PROV}create:full`);
    expect(eventUri('patch', 'notice')).toBe(`${PROV}patch:notice`);
    expect(eventUri('delete', 'full')).toBe(`${PROV}delete`);
    expect(eventUrisOf('notice')).toEqual([
      `${PROV}create:notice`,
      `${PROV}put:notice`,
      `${PROV}patch:notice`,
      `${PROV}delete`,
      `${PROV}activate`,
      `${PROV}deactivate`,
    ]);
  });

  it('a subscription names events of its own format only, defaults to all, and drops repeats', () => {
    expect(subscribedEvents('full', undefined)).toEqual(eventUrisOf('full'));
    expect(subscribedEvents('full', [`${PROV}delete`, `${PROV}create:full`, `${PROV}delete`])).toEqual([`${PROV}create:full`, `${PROV}delete`]);
    for (const bad of [[], [`${PROV}create:notice`], ['urn:other'], [1], 'all']) {
      expect(() => subscribedEvents('full', bad)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
    }
  });
});

describe('SET claims', () => {
  const full = { format: 'full' as const, events: eventUrisOf('full'), audience: 'https://host.example/events' };

  it('carries jti, iat in seconds, iss, aud, txn, sub_id and one event per kind; full events carry version and data', () => {
    expect(securityEventClaims(change(), full, 's.7', 'https://roster.example')).toEqual({
      jti: 's.7',
      iat: Math.floor(Date.parse('2026-12-01T10:00:00.900Z') / 1000),
      iss: 'https://roster.example',
      aud: 'https://host.example/events',
      txn: '7b1f0c2e-0000-4000-8000-000000000001',
      sub_id: { format: 'scim', uri: '/Users/a1', id: 'a1', externalId: 'okta-1' },
      events: { [`${PROV}patch:full`]: { version: 'W/"3"', data: { id: 'a1', active: false } }, [`${PROV}deactivate`]: {} },
    });
  });

  it('notice events carry the changed attributes instead of the data; a delete carries nothing; groups are /Groups', () => {
    const notice = { format: 'notice' as const, events: eventUrisOf('notice'), audience: 'urn:x' };
    expect(securityEventClaims(change(), notice, 'j', 'i')!.events).toEqual({
      [`${PROV}patch:notice`]: { version: 'W/"3"', attributes: ['active'] },
      [`${PROV}deactivate`]: {},
    });
    const deleted = securityEventClaims(change({ kinds: ['delete'], version: null, data: null, externalId: null, resourceType: 'Group' }), notice, 'j', 'i')!;
    expect(deleted.events).toEqual({ [`${PROV}delete`]: {} });
    expect(deleted.sub_id).toEqual({ format: 'scim', uri: '/Groups/a1', id: 'a1' });
  });

  it("one SET names one origin: the resource's SCIM URLs move to the issuer's origin, other URLs stay", () => {
    const data = {
      id: 'a1',
      profileUrl: 'http://127.0.0.1:3000/people/a1',
      groups: [{ value: 'g1', $ref: 'http://127.0.0.1:3000/scim/v2/acme/Groups/g1' }],
      meta: { resourceType: 'User', location: 'http://127.0.0.1:3000/scim/v2/acme/Users/a1' },
    };
    const claims = securityEventClaims(change({ kinds: ['create'], data }), full, 'j', 'http://localhost:3000')!;
    expect(claims.events[`${PROV}create:full`].data).toEqual({
      id: 'a1',
      profileUrl: 'http://127.0.0.1:3000/people/a1',
      groups: [{ value: 'g1', $ref: 'http://localhost:3000/scim/v2/acme/Groups/g1' }],
      meta: { resourceType: 'User', location: 'http://localhost:3000/scim/v2/acme/Users/a1' },
    });
    // The same origin already: the stored resource is sent as it is.
    const same = securityEventClaims(change({ kinds: ['create'], data }), full, 'j', 'http://127.0.0.1:3000')!;
    expect(same.events[`${PROV}create:full`].data).toBe(data);
  });

  it('keeps only subscribed events, and yields nothing when none is subscribed', () => {
    const onlyDeactivate = { ...full, events: [`${PROV}deactivate`] };
    expect(Object.keys(securityEventClaims(change(), onlyDeactivate, 'j', 'i')!.events)).toEqual([`${PROV}deactivate`]);
    expect(securityEventClaims(change({ kinds: ['create'] }), onlyDeactivate, 'j', 'i')).toBeUndefined();
  });
});

describe('RFC 8936 poll requests', () => {
  it('defaults an empty body to a long poll for up to 100 SETs', () => {
    expect(parsePollRequest(undefined)).toEqual({ maxEvents: 100, returnImmediately: false, ack: [], setErrs: {} });
    expect(parsePollRequest({})).toEqual({ maxEvents: 100, returnImmediately: false, ack: [], setErrs: {} });
  });

  it('reads acks and errors', () => {
    expect(parsePollRequest({ maxEvents: 0, returnImmediately: true, ack: ['s.1'], setErrs: { 's.2': { err: 'invalid_key', description: 'x' } } })).toEqual({
      maxEvents: 0,
      returnImmediately: true,
      ack: ['s.1'],
      setErrs: { 's.2': { err: 'invalid_key', description: 'x' } },
    });
  });

  it.each([
    [[]],
    ['poll'],
    [{ maxEvents: -1 }],
    [{ maxEvents: 1001 }],
    [{ maxEvents: 1.5 }],
    [{ returnImmediately: 'yes' }],
    [{ ack: 's.1' }],
    [{ ack: ['bad jti with spaces'] }],
    [{ ack: Array.from({ length: 10_001 }, (_, i) => `s.${i}`) }],
    [{ setErrs: { 's.1': 'broken' } }],
    [{ setErrs: { 's.1': { description: 'no err' } } }],
  ])('refuses %j with 400', (body) => {
    expect(() => parsePollRequest(body)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
