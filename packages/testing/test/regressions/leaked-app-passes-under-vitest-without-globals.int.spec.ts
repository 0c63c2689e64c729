// Defect: under vitest without `globals: true` (its default), @kratos-ts/testing found no global
// afterEach, installed no forgotten-stop() check and said nothing: a test that leaked a running app
// passed. Now startTestApp refuses to start until installLeakChecks is called, with the setup file
// to add.
import { describe, expect, it } from '@jest/globals';
import { runBareVitest } from '../support/user-project.js';

describe('vitest without globals and without the setup file', () => {
  it('fails a test that starts an app, saying how to install the check, instead of letting a leak pass', async () => {
    const run = await runBareVitest('leaks/vitest');

    // KRATOS_TESTING_LEAK_CHECK_MISSING (vitest prints the message, not the code: leak-check-guard.spec.ts checks it)
    expect(run.output).toContain(
      'startTestApp() refused to start the app: the forgotten-stop() check of @kratos-ts/testing is not installed',
    );
    expect(run.output).toContain('installLeakChecks({ beforeEach, afterEach, afterAll }');
    expect(run.output).toMatch(/Tests\s+1 failed \(1\)/);
    expect(run.code).toBe(1);
  }, 60_000);
});
