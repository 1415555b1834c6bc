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
});
