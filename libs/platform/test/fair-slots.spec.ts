import { FairSlots } from '../src/database/fair-slots';

describe('FairSlots', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
  };

  it('never lets one owner take every slot: another owner runs while the first waits for its own', async () => {
    const slots = new FairSlots(2, 1);
    const order: string[] = [];
    const a1 = gate();
    const first = slots.run('a', async () => {
      order.push('a1');
      await a1.opened;
    });
    const second = slots.run('a', async () => void order.push('a2')); // waits: "a" holds its one slot
    const other = slots.run('b', async () => void order.push('b1')); // runs at once in the free slot
    await other;
    expect(order).toEqual(['a1', 'b1']);
    expect(slots.load).toEqual({ running: 1, waiting: 1 });
    a1.open();
    await Promise.all([first, second]);
    expect(order).toEqual(['a1', 'b1', 'a2']);
    expect(slots.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a task fails, and refuses an owner with too many waiting (429)', async () => {
    const slots = new FairSlots(1, 1, 1);
    await expect(slots.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const hold = gate();
    const running = slots.run('a', () => hold.opened);
    const waiting = slots.run('a', async () => 'done');
    await expect(slots.run('a', async () => 'refused')).rejects.toMatchObject({ status: 429 });
    hold.open();
    await running;
    await expect(waiting).resolves.toBe('done');
  });
});
