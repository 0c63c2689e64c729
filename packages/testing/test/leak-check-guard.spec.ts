// The refusal the package index arms where it cannot install the forgotten-stop() check. This file
// imports the sources, not the index, so it arms the refusal itself, as the index would.
import { describe, expect, it } from '@jest/globals';
import { createKratosModule, KRATOS_OPTIONS, SERVER, type KratosOptions } from '@kratos-ts/core';
import { Container } from 'inversify';
import { fakeServer } from '../src/fake-server.js';
import { requireLeakChecks } from '../src/leak-check-guard.js';
import { installLeakChecks, openTestApps, type TestHooks } from '../src/open-test-apps.js';
import { startTestApp } from '../src/start-test-app.js';
import { TestingErrorCode } from '../src/testing-error-codes.js';

function appContainer(): { container: Container; server: ReturnType<typeof fakeServer> } {
  const container = new Container();
  const server = fakeServer();
  container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'unchecked' } satisfies KratosOptions);
  container.bind(SERVER).toConstantValue(server);
  container.load(createKratosModule());
  return { container, server };
}

const noHooks: TestHooks = {
  beforeEach: () => undefined,
  afterEach: () => undefined,
  afterAll: () => undefined,
};

describe('startTestApp where no forgotten-stop() check could be installed', () => {
  it('refuses before it starts anything, with the setup file that installs the check', async () => {
    requireLeakChecks();
    const { container, server } = appContainer();

    const error: unknown = await startTestApp(container).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: TestingErrorCode.LeakCheckMissing });
    const message = (error as Error).message;
    expect(message).toContain('vitest without `globals: true`');
    expect(message).toContain('installLeakChecks({ beforeEach, afterEach, afterAll }');
    expect(message).toContain('KRATOS_TESTING_NO_LEAK_CHECK=1');
    expect(server.starts).toEqual([]);
    expect(openTestApps()).toEqual([]);
  });

  it('starts apps once installLeakChecks was called', async () => {
    requireLeakChecks();
    installLeakChecks(noHooks);
    const { container } = appContainer();

    const app = await startTestApp(container);

    expect(app.kernel.state).toBe('running');
    await app.stop();
  });
});
