// Jest runs in native ESM mode (node --experimental-vm-modules) with ts-jest.
// Type checking happens once in `npm run typecheck`; ts-jest only transpiles.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testEnvironment: 'node',
};

export default {
  maxWorkers: 2,
  // A global option: jest ignores it inside a project.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    // The console's pure logic (countdowns, money, keyboard rules, hash chain, guard offsets); screens are tested in the browser.
    { ...common, displayName: 'console', testMatch: ['<rootDir>/console/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
    },
    // The case engine and its contributors against a real PostgreSQL, without HTTP or the whole app (test/medium/support/engine-harness.ts).
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
    },
  ],
};
