import { parseReconcileArguments } from '../src/arguments';

describe('the nightly job command line', () => {
  it('reads --repair and --help', () => {
    expect(parseReconcileArguments([])).toEqual({ help: false, repair: false });
    expect(parseReconcileArguments(['--repair'])).toEqual({ help: false, repair: true });
    expect(parseReconcileArguments(['--help'])).toEqual({ help: true });
    expect(parseReconcileArguments(['-h', '--repair'])).toEqual({ help: true });
  });
  it.each([['--repiar'], ['--dry'], ['repair'], ['--repair=yes']])('refuses %s instead of ignoring it', (arg) => {
    expect(() => parseReconcileArguments([arg])).toThrow();
  });
});
