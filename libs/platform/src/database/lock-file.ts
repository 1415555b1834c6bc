import { linkSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

interface LockHolder {
  pid: number;
  host: string;
  /** The holder's start time as the kernel records it, so that a recycled pid is not taken for the holder. */
  started: string | null;
}

// Only for a lock written by another machine (a shared volume), where the holder cannot be checked.
const FOREIGN_LOCK_STALE_MS = 5 * 60_000;

/**
 * An exclusive lock file that records who holds it. A lock left behind by a process that died (kill -9,
 * a crash, a container restart) is recognised at once and taken over: its holder is not running, or its
 * pid now belongs to a process that started at another time.
 */
export async function acquireLockFile(path: string, pollMs = 50): Promise<() => void> {
  const me: LockHolder = { pid: process.pid, host: hostname(), started: processStartTime(process.pid) };
  for (;;) {
    if (tryCreate(path, me)) return () => rmSync(path, { force: true });
    if (isStale(path)) {
      rmSync(path, { force: true });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** One attempt (taking over a stale lock): the release function, or undefined while a live process holds it. */
export function tryAcquireLockFile(path: string): (() => void) | undefined {
  const me: LockHolder = { pid: process.pid, host: hostname(), started: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path, me)) return () => rmSync(path, { force: true });
    if (!isStale(path)) return undefined;
    rmSync(path, { force: true });
  }
  return undefined;
}

// Written to a private file first and linked into place, so the lock never exists without its contents.
function tryCreate(path: string, holder: LockHolder): boolean {
  const temp = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(temp, JSON.stringify(holder));
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    unlinkSync(temp);
  }
}

function isStale(path: string): boolean {
  let holder: Partial<LockHolder>;
  try {
    holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // released meanwhile: retry at once
    holder = {}; // unreadable: an older Roster's empty lock file
  }
  if (typeof holder.pid === 'number' && holder.host === hostname()) {
    if (!isRunning(holder.pid)) return true;
    const started = processStartTime(holder.pid);
    return holder.started != null && started != null && started !== holder.started;
  }
  try {
    return Date.now() - statSync(path).mtimeMs > FOREIGN_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where /proc is not available. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing ")".
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
