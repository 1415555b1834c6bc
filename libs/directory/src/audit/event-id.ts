import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes drawn 4 KiB at a time: one call into the system's generator per 256 ids, not one per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/**
 * UUIDv7 (RFC 9562) with a monotonic 12-bit sequence: events written in one transaction, in the same
 * millisecond, still sort in the order they were recorded — the trail's keyset order is (occurredAt, id).
 */
export function eventId(now = Date.now()): string {
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    now = lastMs;
  } else {
    sequence = 0;
    lastMs = now;
  }
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, (poolOffset += 16)));
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The instant encoded in an event id, for callers that must keep occurredAt and id consistent. */
export function eventTime(id: string): Date {
  return new Date(parseInt(id.replace(/-/g, '').slice(0, 12), 16));
}
