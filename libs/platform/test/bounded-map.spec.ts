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
});
