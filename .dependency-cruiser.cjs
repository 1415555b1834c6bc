// The floors of ARCHITECTURE.md, enforced by `npm run lint` (depcruise): every import points down, and no
// module imports itself back through another.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle ties two modules together: neither can be understood, tested or moved alone.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-never-import-each-other',
      severity: 'error',
      comment:
        "What two processes share belongs in a library. One exception: the CLI, the bench and the other processes reuse the API's assembly (its root module, its app factory and its Node version check), so that they run the same module graph as the server.",
      from: { path: '^apps/([^/]+)/src/' },
      to: { path: '^apps/', pathNot: ['^apps/$1/', '^apps/api/src/(app[.]module|create-app|node-guard)[.]ts$'] },
    },
    {
      name: 'scim-core-is-framework-free',
      severity: 'error',
      comment: 'The SCIM engine knows no framework, no ORM, no I/O and no other Roster library.',
      from: { path: '^libs/scim-core/src/' },
      to: {
        pathNot: '^libs/scim-core/',
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'scim-core-does-no-io',
      severity: 'error',
      from: { path: '^libs/scim-core/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|net|http|https|child_process|worker_threads)$' },
    },
    {
      name: 'contract-holds-types-only',
      severity: 'error',
      from: { path: '^libs/contract/' },
      to: { pathNot: '^libs/contract/' },
    },
    {
      name: 'config-stands-alone',
      severity: 'error',
      comment: 'Configuration is read once, before anything else exists: it may use the SCIM core only.',
      from: { path: '^libs/config/' },
      to: { path: '^(libs/(platform|directory)|apps)/' },
    },
    {
      name: 'platform-is-below-directory',
      severity: 'error',
      from: { path: '^libs/platform/' },
      to: { path: '^libs/directory/' },
    },
    {
      name: 'portal-speaks-only-through-the-contract',
      severity: 'error',
      comment: 'The single-page app reaches the server over HTTP; its types come from libs/contract.',
      from: { path: '^apps/portal/' },
      to: { path: '^libs/', pathNot: '^libs/contract/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage|test-output)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
  },
};
