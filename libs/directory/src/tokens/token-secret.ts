import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'rstr-';
const PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

/** 256 bits of randomness, base64url, with a recognisable prefix (and no "_" confusion in logs). */
export function generateToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, PREFIX_LENGTH) };
}

// Every SCIM request hashes its token: the one-shot hash is a third of createHash's cost.
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
