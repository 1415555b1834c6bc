import { isoTime } from '../src/shared/iso-time';

describe('isoTime', () => {
  it('writes what toISOString writes, for any time toISOString can write', () => {
    const max = 8.64e15; // the ECMAScript time range
    const edges = [0, -1, 1, -86_400_000, -86_400_001, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000, -62_198_755_200_001, max, -max];
    const random = Array.from({ length: 20_000 }, () => Math.round((Math.random() * 2 - 1) * (Math.random() < 0.5 ? 4e12 : max)));
    for (const ms of [...edges, ...random]) expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it('throws on an invalid date, as toISOString does', () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
