import { describe, expect, it } from '@jest/globals';
import { Container } from 'inversify';
import {
  KratosErrorCode,
  LifecycleKernel,
  LOGGER,
  createKratosModule,
  isKratosError,
  kratosModule,
  silentLogger,
} from '../../src/index.js';
// Imported for its token only, as an app imports a constant from a shared file: its @AfterStop
// class AuditTrail comes along.
import { AUDIT_DB } from '../fixtures/another-app-audit.js';

// Decorated classes are enlisted process-wide. A file of another app, imported here for anything
// (a type, a constant), brings its `@AfterStop` class along; `kratosModule` then tries to build
// it in a container that binds nothing it needs, and `container.get(LifecycleKernel)` failed with
// inversify's uncoded "No bindings found for service" about a token this app never heard of.

function thisApp(): Container {
  const container = new Container();
  container.bind(LOGGER).toConstantValue(silentLogger);
  return container;
}

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('a decorated class enlisted in an app that does not bind what it needs', () => {
  it('kratosModule: KRATOS_UNRESOLVABLE_CLASS names the class, its decorator and both ways out', () => {
    const container = thisApp();
    container.load(kratosModule);
    const error = thrownBy(() => container.get(LifecycleKernel));
    expect(isKratosError(error)).toBe(true);
    const { code, message, cause } = error as { code: string; message: string; cause: unknown };
    expect(code).toBe(KratosErrorCode.UnresolvableClass);
    expect(message).toContain('AuditTrail');
    expect(message).toContain('@AfterStop() on AuditTrail.flushAudit');
    expect(message).toContain('bind'); // way out 1
    expect(message).toContain('createKratosModule({ servers, hooks })'); // way out 2
    expect(message).toContain(AUDIT_DB.description); // what inversify could not find
    expect(cause).toBeInstanceOf(Error); // inversify's own error, kept whole
  });

  it('an explicit list leaves it out: the kernel resolves and the app runs without it', async () => {
    const container = thisApp();
    container.load(createKratosModule({ signals: [] }));
    const kernel = container.get(LifecycleKernel);
    const run = kernel.run();
    await kernel.stop();
    await expect(run).resolves.toBeUndefined();
  });
});
