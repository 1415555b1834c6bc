import { idTime, isUuid, newId } from '../src/shared/ids';

describe('newId', () => {
  it('makes RFC 9562 version 7 uuids that carry the time given', () => {
    const at = Date.UTC(2026, 11, 4, 12, 0, 0, 123);
    const id = newId(at);
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idTime(id).getTime()).toBe(at);
  });

  it('sorts in the order the ids were made, also within one millisecond and when the clock steps back', () => {
    const at = Date.now() + 60_000;
    const ids = [...Array.from({ length: 5000 }, () => newId(at)), newId(at - 1000), newId(at + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('varies in its random part', () => {
    const tails = new Set(Array.from({ length: 1000 }, () => newId().slice(19)));
    expect(tails.size).toBe(1000);
  });
});
