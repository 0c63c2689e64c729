// The fixture project of docs/testing.md "In your project", run as its owner runs it: jest (ESM)
// and vitest, against the built packages.
import { describe, expect, it } from '@jest/globals';
import { runBareVitest, runJest, runTsc, runVitest } from './support/user-project.js';

describe('a project of its own, testing its service with @kratos-ts/testing', () => {
  it('type-checks against the built packages', async () => {
    const run = await runTsc();

    expect(run.output).toBe('');
    expect(run.code).toBe(0);
  }, 60_000);

  it('passes under jest in ESM mode, with the four settings of its jest.config.mjs', async () => {
    const run = await runJest();

    expect(run.output).toMatch(/PASS test\/jest\/greeter\.spec\.ts/);
    expect(run.output).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('passes under vitest, with the setup file of its vitest.config.ts', async () => {
    const run = await runVitest();

    expect(run.output).toContain('test/vitest/greeter.spec.ts');
    expect(run.output).toMatch(/Tests\s+1 passed \(1\)/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('fails a leaked app under vitest with `globals: true` and no setup file: the check installs itself', async () => {
    const run = await runBareVitest('leaks/vitest', ['--globals']);

    expect(run.output).toContain('1 test app was still running when its test file ended; stopped now');
    expect(run.output).toMatch(/Test Files\s+1 failed \(1\)/);
    expect(run.code).toBe(1);
  }, 60_000);
});
