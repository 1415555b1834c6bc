import { BoundedMap } from '@roster/platform';

/**
 * Where each recently served page of a list in the default order (created, then id) ended. An import
 * walks a tenant with startIndex = 1, 101, 201, …: when the page it asks for starts where a page served a
 * moment ago ended, the next rows are found from that row's (created, id) on the index (keyset) instead of
 * by counting past every earlier row (OFFSET), so page 1,000 costs what page 1 costs. New resources are
 * created after existing ones, so they never move earlier positions; a deletion meanwhile makes the walk
 * continue after the last row it saw (OFFSET would have skipped one). On a miss — another process served
 * the previous page, or it is older than POSITION_TTL_MS — OFFSET answers as before.
 */
const POSITION_TTL_MS = 10 * 60_000;
const MAX_POSITIONS = 10_000;
// Keys carry the filter (up to a few KB each): bounded by what they hold, too.
const POSITIONS_BUDGET = { maxBytes: 8 * 1024 * 1024, sizeOf: (key: string) => 2 * key.length + 128 };

export interface PagePosition {
  createdAt: unknown;
  id: string;
}

export class PagePositions {
  private readonly positions = new BoundedMap<string, PagePosition & { until: number }>(MAX_POSITIONS, POSITIONS_BUDGET);

  get(key: string, now = Date.now()): PagePosition | undefined {
    const found = this.positions.get(key);
    if (!found || found.until <= now) return undefined;
    return found;
  }

  remember(key: string, position: PagePosition, now = Date.now()): void {
    this.positions.set(key, { ...position, until: now + POSITION_TTL_MS });
  }
}

/** One per process, shared by every list query. */
export const pagePositions = new PagePositions();
