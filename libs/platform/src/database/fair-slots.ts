import { ScimError } from '@roster/scim-core';

interface Waiter {
  owner: string;
  start: () => void;
}

/**
 * A fixed number of slots shared fairly between owners (tenants): no owner holds more than `perOwner` at
 * once, so one tenant's expensive queries always leave a slot for the others, and those waiting are served
 * first come, first served among the owners that may run. An owner with too many waiting is refused (429)
 * instead of queueing without bound.
 */
export class FairSlots {
  private running = 0;
  private readonly byOwner = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly slots: number,
    private readonly perOwner: number,
    private readonly maxWaitingPerOwner = 32,
  ) {}

  /** Runs `task` in a slot once `owner` may have one. */
  async run<T>(owner: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(owner);
    try {
      return await task();
    } finally {
      this.release(owner);
    }
  }

  /** How many slots are taken, and how many tasks wait (for metrics and tests). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private acquire(owner: string): Promise<void> {
    if (this.mayRun(owner)) {
      this.take(owner);
      return Promise.resolve();
    }
    if (this.waiting.filter((w) => w.owner === owner).length >= this.maxWaitingPerOwner) {
      return Promise.reject(ScimError.tooManyRequests('Too many expensive queries of this tenant are waiting; retry after the delay in Retry-After', 1));
    }
    return new Promise<void>((resolve) => this.waiting.push({ owner, start: resolve }));
  }

  private release(owner: string): void {
    this.running--;
    const held = (this.byOwner.get(owner) ?? 1) - 1;
    if (held > 0) this.byOwner.set(owner, held);
    else this.byOwner.delete(owner);
    const next = this.waiting.findIndex((w) => this.mayRun(w.owner));
    if (next < 0) return;
    const [waiter] = this.waiting.splice(next, 1);
    this.take(waiter.owner);
    waiter.start();
  }

  private mayRun(owner: string): boolean {
    return this.running < this.slots && (this.byOwner.get(owner) ?? 0) < this.perOwner;
  }

  private take(owner: string): void {
    this.running++;
    this.byOwner.set(owner, (this.byOwner.get(owner) ?? 0) + 1);
  }
}
