import type { Config } from 'jest';

/**
 * One jest run for every package. Sources are TypeScript compiled on the fly by ts-jest (ESM);
 * type checking is done by `npm run typecheck`, since ts-jest does not type-check in ESM mode.
 * `@kratos-ts/*` maps to the packages' sources, so every suite shares one copy of the core.
 */
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.spec.ts'],
  setupFiles: ['reflect-metadata'],
  moduleNameMapper: {
    '^@kratos-ts/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    // The example's subpath export lives in a folder of its own (package.json "exports").
    '^@kratos-ts/example/greeting-topology$': '<rootDir>/packages/example/src/consumer/greeting-topology.ts',
    '^@kratos-ts/([a-z-]+)/([a-z-]+)$': '<rootDir>/packages/$1/src/$2.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.base.json' }],
  },
  testTimeout: 60_000,
  // The user-project fixture is a project of its own, with its own jest and vitest configs, run in
  // child processes against the built packages (packages/testing/test/user-project.int.spec.ts).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/packages/testing/fixtures/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/', '<rootDir>/packages/testing/fixtures/'],
};

export default config;
