// Defect: run from the built package (a user's project), the forgotten-stop() report said the app
// was started "at …/packages/testing/src/open-test-apps.ts:125": jest and vitest map the bundle's
// frames back to the package's sources, which the check did not recognise as its own. It must name
// the line of the test that started the app.
import { describe, expect, it } from '@jest/globals';
import { runJest, runVitest } from '../support/user-project.js';

const leakedAt =
  /"greeter" started in test "a test that forgets stop\(\)(?: | > )starts the greeter and never stops it" at \S*leaks\/(jest|vitest)\/leaked-app\.spec\.ts:9:\d+/;

describe('the report of an app a test of a user project never stopped', () => {
  it('names the test line under jest, and fails the file', async () => {
    const run = await runJest(['--roots', '<rootDir>/leaks/jest']);

    expect(run.output).toContain('1 test app was still running when its test file ended; stopped now');
    expect(run.output).toMatch(leakedAt);
    expect(run.output).toMatch(/Test Suites:\s+1 failed, 1 total/);
    expect(run.code).toBe(1);
  }, 60_000);

  it('names the test line under vitest, and fails the file', async () => {
    const run = await runVitest(['--dir', 'leaks/vitest']);

    expect(run.output).toContain('1 test app was still running when its test file ended; stopped now');
    expect(run.output).toMatch(leakedAt);
    expect(run.output).toMatch(/Test Files\s+1 failed \(1\)/);
    expect(run.code).toBe(1);
  }, 60_000);
});
