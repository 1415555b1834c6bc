/**
 * V8 sizes its heap from the machine's memory: on a host with tens of gigabytes the young generation grows
 * to 128 MB and old garbage piles up to a few hundred MB before the first full collection, although the
 * server's live data is about 50 MB. With a 16 MB semi-space and a 256 MB old generation the server peaks
 * at about 200 MB instead of 335 MB under the same load, for the same CPU (docs/benchmarks.md).
 *
 * V8 reads these limits only when the process starts, so a server started without them replaces itself
 * with one that has them: same pid, same arguments and environment (execve), before anything else loads.
 * Limits given on the command line or in NODE_OPTIONS are respected as they are.
 */
const SERVER_HEAP_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];

const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const limitsGiven = given.some((flag) => /^--max[-_](semi|old)[-_]space[-_]size\b/.test(flag));

if (!limitsGiven && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...SERVER_HEAP_FLAGS, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

export {};
