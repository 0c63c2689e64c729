// Drives installLeakChecks with hooks of its own (this file does not import the package index,
// so jest's real hooks carry no check here), the way jest would call them.
import { describe, expect, it, jest } from '@jest/globals';
import { createKratosModule, KRATOS_OPTIONS, SERVER, type KratosOptions } from '@kratos-ts/core';
import { Container } from 'inversify';
import { fakeServer } from '../src/fake-server.js';
import { installLeakChecks, openTestApps, stopTestApps, type TestHooks } from '../src/open-test-apps.js';
import { startTestApp } from '../src/start-test-app.js';
import { TestingErrorCode } from '../src/testing-error-codes.js';

function appContainer(name: string): Container {
  const container = new Container();
  container.bind(KRATOS_OPTIONS).toConstantValue({ name } satisfies KratosOptions);
  container.bind(SERVER).toConstantValue(fakeServer());
  container.load(createKratosModule());
  return container;
}

/** Hooks that keep what was installed, for the test to call in jest's order. */
function recordingHooks(): TestHooks & { run(kind: keyof TestHooks): Promise<unknown> } {
  const installed: Record<keyof TestHooks, (() => unknown)[]> = {
    beforeEach: [],
    afterEach: [],
    afterAll: [],
  };
  return {
    beforeEach: (fn) => void installed.beforeEach.push(fn),
    afterEach: (fn) => void installed.afterEach.push(fn),
    afterAll: (fn) => void installed.afterAll.push(fn),
    run: async (kind) => {
      for (const fn of installed[kind]) await fn();
    },
  };
}

describe('the forgotten-stop() check', () => {
  it('stops an app its test forgot and fails the file, naming the app, the test and the line', async () => {
    const hooks = recordingHooks();
    installLeakChecks(hooks, () => 'greeter › answers hello');

    await hooks.run('beforeEach');
    const app = await startTestApp(appContainer('forgotten'));
    const line = new Error().stack?.split('\n')[1]?.match(/:(\d+):\d+\)?$/)?.[1];
    await hooks.run('afterEach');
    expect(openTestApps()).toEqual([
      {
        name: 'forgotten',
        test: 'greeter › answers hello',
        where: expect.stringContaining('leak-checks.spec.ts'),
      },
    ]);

    const error: unknown = await hooks.run('afterAll').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: TestingErrorCode.NotStopped });
    const message = (error as Error).message;
    expect(message).toContain('1 test app was still running when its test file ended; stopped now');
    expect(message).toContain('"forgotten" started in test "greeter › answers hello" at ');
    expect(message).toContain(`leak-checks.spec.ts:${Number(line) - 1}:`);
    expect(message).toContain('afterEach(() => app.stop())');
    expect(app.kernel.state).toBe('stopped');
    expect(openTestApps()).toEqual([]);
  });

  it('says nothing about apps stopped in afterEach, or about apps started in beforeAll and stopped in afterAll', async () => {
    const hooks = recordingHooks();
    installLeakChecks(hooks, () => 't', 10_000);

    const shared = await startTestApp(appContainer('shared')); // beforeAll
    await hooks.run('beforeEach');
    const perTest = await startTestApp(appContainer('per-test'));
    await hooks.run('afterEach');
    await perTest.stop(); // a user afterEach defined after the check's

    await expect(hooks.run('afterAll')).resolves.toBeUndefined();
    await shared.stop(); // the user's afterAll, after the check's
    expect(openTestApps()).toEqual([]);
  });

  it('stops an app started outside any test that no afterAll stopped, reporting it on stderr', async () => {
    const hooks = recordingHooks();
    installLeakChecks(hooks, () => 't', 20);
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const app = await startTestApp(appContainer('shared'));
      await hooks.run('afterAll');
      expect(app.kernel.state).toBe('running');

      await app.run; // the watchdog stops it after the grace period

      expect(written.join('')).toContain(
        `${TestingErrorCode.NotStopped}: 1 test app was still running 20 ms after its test file ended; stopped now`,
      );
      expect(written.join('')).toContain('"shared" started outside any test');
    } finally {
      write.mockRestore();
    }
  });

  it('openTestApps lists what runs; stopTestApps stops it all', async () => {
    const a = await startTestApp(appContainer('a'));
    const b = await startTestApp(appContainer('b'));
    expect(openTestApps().map((open) => open.name)).toEqual(['a', 'b']);

    const stopped = await stopTestApps();

    expect(stopped.map((open) => open.name)).toEqual(['a', 'b']);
    expect([a.kernel.state, b.kernel.state]).toEqual(['stopped', 'stopped']);
    expect(openTestApps()).toEqual([]);
  });
});
