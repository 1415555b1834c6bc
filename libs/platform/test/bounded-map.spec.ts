import { BoundedMap } from '../src/cache/bounded-map';

describe('BoundedMap', () => {
  it('forgets the least recently set entry when full', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    map.set('a', 10); // "a" is now the most recent
    map.set('d', 4);
    expect([...map.entries()]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ]);
    expect(map.size).toBe(3);
  });

  it('never holds more than its capacity, whatever is set', () => {
    const map = new BoundedMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) map.set(i % 317, i);
    expect(map.size).toBe(100);
  });

  it('forgets a deleted entry, and visits the rest in order when the visited one is deleted on the way', () => {
    const map = new BoundedMap<string, number>(4);
    map.set('a', 1).set('b', 2).set('c', 3).set('d', 4);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    for (const [key, value] of map) if (value % 2 === 1) map.delete(key);
    expect([...map]).toEqual([['d', 4]]);
    expect([map.size, map.get('a'), map.get('d')]).toEqual([1, undefined, 4]);
    map.set('e', 5).set('f', 6).set('g', 7).set('h', 8); // full again: "d" goes first
    expect([...map.entries()].map(([key]) => key)).toEqual(['e', 'f', 'g', 'h']);
  });

  it('with a byte budget, forgets the oldest entries until what it holds fits, and never keeps an entry larger than the budget', () => {
    const map = new BoundedMap<string, string>(100, { maxBytes: 10, sizeOf: (_key, value) => value.length });
    map.set('a', 'xxxx').set('b', 'xxxx');
    expect([map.size, map.bytes]).toEqual([2, 8]);
    map.set('c', 'xxxxx'); // 13 > 10: "a" goes
    expect([...map.entries()].map(([key]) => key)).toEqual(['b', 'c']);
    expect(map.bytes).toBe(9);
    map.set('b', 'x'); // a smaller value for a kept key
    expect(map.bytes).toBe(6);
    map.set('huge', 'x'.repeat(11));
    expect([map.get('huge'), map.bytes]).toEqual([undefined, 6]);
    map.set('c', 'x'.repeat(11)); // a value grown past the budget drops the key
    expect([...map.entries()]).toEqual([['b', 'x']]);
    map.delete('b');
    expect([map.size, map.bytes]).toEqual([0, 0]);
  });
});
