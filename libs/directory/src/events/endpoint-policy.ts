import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { ScimError, textProblem } from '@roster/scim-core';

const MAX_URL_LENGTH = 2048;

// Where a push must never go: loopback, private, link-local (cloud metadata), shared, multicast, reserved.
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/** Whether an address is one a push may not reach (IPv4-mapped IPv6 addresses are judged as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (!family) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A push endpoint as given by an administrator: an absolute https URL without credentials, whose host
 * is public. Plain http and private or loopback hosts only with ROSTER_EVENTS_ALLOW_INSECURE (development).
 * The host's addresses are checked again at every connection (delivery), so DNS cannot be turned on us later.
 */
export async function assertPushEndpoint(raw: unknown, allowInsecure: boolean): Promise<string> {
  if (typeof raw !== 'string' || !raw.length || raw.length > MAX_URL_LENGTH || textProblem(raw)) {
    throw ScimError.invalidValue(`endpointUrl must be an absolute https URL of at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ScimError.invalidValue('endpointUrl must be an absolute https URL');
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) throw ScimError.invalidValue('endpointUrl must use https');
  if (url.username || url.password) throw ScimError.invalidValue('endpointUrl must not carry credentials (use authorizationHeader)');
  if (url.hash) throw ScimError.invalidValue('endpointUrl must not have a fragment');
  if (!allowInsecure) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (/^localhost$|\.localhost$/i.test(host)) throw ScimError.invalidValue('endpointUrl must not point at this machine');
    const addresses = isIP(host) ? [host] : await resolve(host);
    if (addresses.some(isPrivateAddress)) throw ScimError.invalidValue('endpointUrl must not point at a private, loopback or link-local address');
  }
  return url.toString();
}

async function resolve(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    throw ScimError.invalidValue(`endpointUrl: the host ${host} does not resolve`);
  }
}
