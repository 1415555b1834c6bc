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
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215)
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(network, prefix, 'ipv6');

/**
 * Whether an address is one a push may not reach. An IPv6 address that carries an IPv4 address inside it
 * (mapped, compatible, translated, NAT64, 6to4, Teredo) is judged by that IPv4 address as well: otherwise
 * `https://[::127.0.0.1]/` or `https://[::ffff:0:127.0.0.1]/` would reach this machine. Anything that is
 * not an IP address is refused.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true;
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const canonical = formatIpv6(bytes);
  if (PRIVATE.check(canonical, 'ipv6')) return true;
  return embeddedIpv4(bytes).some((ipv4) => PRIVATE.check(ipv4, 'ipv4'));
}

/** The IPv4 addresses an IPv6 address embeds, by the address forms that route to them. */
export function embeddedIpv4(bytes: Uint8Array): string[] {
  const zero = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  const v4 = (at: number, mask = 0) => [0, 1, 2, 3].map((i) => bytes[at + i] ^ mask).join('.');
  const word = (at: number) => (bytes[at] << 8) | bytes[at + 1];
  const found: string[] = [];
  // ::a.b.c.d (compatible), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated)
  if (zero(0, 10) && (word(10) === 0 || word(10) === 0xffff)) found.push(v4(12));
  if (zero(0, 8) && word(8) === 0xffff && word(10) === 0) found.push(v4(12));
  // 64:ff9b::a.b.c.d (NAT64, RFC 6052)
  if (word(0) === 0x64 && word(2) === 0xff9b && zero(4, 12)) found.push(v4(12));
  // 2002:aabb:ccdd::/48 (6to4)
  if (word(0) === 0x2002) found.push(v4(2));
  // 2001:0::/32 (Teredo): the server's address, and the client's, stored inverted
  if (word(0) === 0x2001 && word(2) === 0) found.push(v4(4), v4(12, 0xff));
  return found;
}

/** The 16 bytes of an IPv6 address in any textual form (zero compression, a dotted IPv4 tail, a zone). */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  const address = text.replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  let head = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    tail.push((parts[0] << 8) | parts[1], (parts[2] << 8) | parts[3]);
    head = address.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const words = (part: string | undefined) =>
    part
      ? part
          .split(':')
          .filter(Boolean)
          .map((w) => parseInt(w, 16))
      : [];
  const before = words(left);
  const after = [...words(right), ...tail];
  const missing = 8 - before.length - after.length;
  if (missing < 0 || (right === undefined && missing !== 0)) return undefined;
  const all = [...before, ...new Array<number>(missing).fill(0), ...after];
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

function formatIpv6(bytes: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return words.join(':');
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
