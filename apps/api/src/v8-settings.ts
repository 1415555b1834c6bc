import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings of the server (docs/benchmarks.md has the measurements behind each).
 *
 * Heap limits. V8 sizes its heap from the machine's memory: on a host with tens of gigabytes the young
 * generation grows to 128 MB and old garbage piles up to a few hundred MB before the first full
 * collection, although the server's live data is about 50 MB. With a 16 MB semi-space and a 256 MB old
 * generation the server peaks at about 200 MB instead of 335 MB under the same load, for the same CPU.
 * V8 reads these limits only when the process starts, so a server started without them replaces itself
 * with one that has them: same pid, same arguments and environment (execve), before anything else loads.
 * Limits given on the command line or in NODE_OPTIONS are respected as they are.
 *
 * No allocation-site pretenuring. V8 moves an allocation site to the old generation once enough of its
 * objects survived a young collection. Under a steady load of requests, some of a request's objects are
 * alive at every young collection, so sites whose objects die with their request get pretenured, and
 * those objects then die in the old generation, where only full collections (three times as many)
 * reclaim them. Without it the server uses 4–12 % less CPU per request under Okta's and Entra ID's
 * workloads. The flag is read at every allocation decision, so it is set here, at once, however the
 * process was started, unless the command line already says.
 */
const HEAP_LIMITS = ['--max-semi-space-size=16', '--max-old-space-size=256'];
const NO_PRETENURING = '--no-allocation-site-pretenuring';

const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const limitsGiven = given.some((flag) => /^--max[-_](semi|old)[-_]space[-_]size\b/.test(flag));
const pretenuringGiven = given.some((flag) => /^--(no-)?allocation[-_]site[-_]pretenuring\b/.test(flag));

if (!pretenuringGiven) setFlagsFromString(NO_PRETENURING);
if (!limitsGiven && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...HEAP_LIMITS, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

export {};
