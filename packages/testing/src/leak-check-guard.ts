import { KratosError } from '@kratos-ts/core';
import { TestingErrorCode } from './testing-error-codes.js';

// Whether this module instance (under jest and vitest: this test file) has a forgotten-stop()
// check, and whether it must have one. The package index requires one; a test of this package
// that imports the sources directly does not, so it drives the check itself.
let installed = false;
let required = false;

/** @internal `installLeakChecks` calls it: from now on a check runs with this file's hooks. */
export function noteLeakChecksInstalled(): void {
  installed = true;
}

/**
 * @internal The package index calls it when it found no global hooks to install the check with:
 * `startTestApp` then refuses to start an app until `installLeakChecks` is called, so that a leaked
 * app cannot pass silently.
 */
export function requireLeakChecks(): void {
  required = true;
}

/** @internal `startTestApp` calls it before it starts anything: throws `KRATOS_TESTING_LEAK_CHECK_MISSING`. */
export function assertLeakChecks(): void {
  if (!required || installed) return;
  throw new KratosError(
    TestingErrorCode.LeakCheckMissing,
    [
      'startTestApp() refused to start the app: the forgotten-stop() check of @kratos-ts/testing is not installed, because this test runner has no global beforeEach, afterEach and afterAll (vitest without `globals: true`, jest with `injectGlobals: false`, mocha, node:test). Without it, a test that forgets app.stop() passes and leaves its servers running.',
      'Install it once, in a setup file that runs before each test file (vitest: `test.setupFiles`; jest: `setupFilesAfterEnv`, with the hooks of @jest/globals):',
      "  import { installLeakChecks } from '@kratos-ts/testing';",
      "  import { afterAll, afterEach, beforeEach, expect } from 'vitest';",
      '  installLeakChecks({ beforeEach, afterEach, afterAll }, () => expect.getState().currentTestName);',
      "or set `globals: true` in vitest's config. To stop every app yourself instead (e.g. `await stopTestApps()` in your teardown), set KRATOS_TESTING_NO_LEAK_CHECK=1.",
    ].join('\n'),
  );
}
