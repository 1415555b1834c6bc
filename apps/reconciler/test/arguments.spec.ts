import { parseReconcileArguments } from '../src/arguments';

describe('the nightly job command line', () => {
  it('reads its options', () => {
    expect(parseReconcileArguments([])).toEqual({ help: false, repair: false, dryRun: false, tenant: undefined, json: undefined });
    expect(parseReconcileArguments(['--repair', '--tenant', 'acme', '--json', 'out.json'])).toEqual({
      help: false,
      repair: true,
      dryRun: false,
      tenant: 'acme',
      json: 'out.json',
    });
    expect(parseReconcileArguments(['--dry-run'])).toMatchObject({ dryRun: true, repair: false });
    expect(parseReconcileArguments(['--help'])).toEqual({ help: true });
    expect(parseReconcileArguments(['-h', '--repair'])).toEqual({ help: true });
  });
  it.each([[['--repiar']], [['--dry']], [['repair']], [['--repair=yes']], [['--tenant']], [['--json']], [['--repair', '--dry-run']], [['--tenant', ' ']]])(
    'refuses %j instead of ignoring it',
    (args) => {
      expect(() => parseReconcileArguments(args)).toThrow();
    },
  );
});
