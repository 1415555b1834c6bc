// Node >= 24.9 with --experimental-vm-modules lets jest require() the ESM-only Nest 12 / MikroORM 7 (see npm test).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: {
    '^@roster/scim-core$': '<rootDir>/libs/scim-core/src',
    '^@roster/contract$': '<rootDir>/libs/contract/src',
    '^@roster/config$': '<rootDir>/libs/config/src',
    '^@roster/platform$': '<rootDir>/libs/platform/src',
    '^@roster/directory$': '<rootDir>/libs/directory/src',
    '^@roster/migrations$': '<rootDir>/migrations',
  },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  testTimeout: 60000,
};
