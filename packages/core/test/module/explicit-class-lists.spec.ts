import { describe, expect, it } from '@jest/globals';
import { Container, inject, injectable } from 'inversify';
import {
  AfterStart,
  AfterStop,
  BeforeStart,
  KratosErrorCode,
  LifecycleKernel,
  LOGGER,
  Server,
  createKratosModule,
  isKratosError,
  silentLogger,
  type KratosModuleConfig,
  type TransportServer,
} from '../../src/index.js';

// createKratosModule({ servers, hooks }) runs what it lists and nothing else: the decorated classes
// of this file that a test does not list must not run, and a list that cannot work is refused
// where it is written, with every problem at once.

const calls: string[] = [];

@Server({ name: 'listed' })
class ListedServer implements TransportServer {
  start(): void {
    calls.push('listed start');
  }
  stop(): void {
    calls.push('listed stop');
  }
}

@Server({ name: 'stray' })
class StrayServer implements TransportServer {
  start(): void {
    calls.push('stray start');
  }
  stop(): void {
    calls.push('stray stop');
  }
}

class ListedHooks {
  @AfterStart() announce(): void {
    calls.push('listed afterStart');
  }
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- decorated, never listed: must not run
class StrayHooks {
  @BeforeStart() warmUp(): void {
    calls.push('stray beforeStart');
  }
}

class NoHookMethods {
  flush(): void {}
}

@Server()
class ServerWithHooks implements TransportServer {
  start(): void {}
  stop(): void {}
  @AfterStop() cleanUp(): void {}
}

const NEEDED = Symbol.for('test/NEEDED');

@injectable()
class NeedsSomething {
  constructor(@inject(NEEDED) readonly needed: unknown) {}
  @AfterStop() close(): void {}
}

class ThrowsInConstructor {
  constructor() {
    throw new Error('the config file is missing');
  }
  @AfterStop() close(): void {}
}

/** No decorator at all, so TypeScript emits no metadata: as every class compiled by tsx or esbuild. */
class NoMetadata implements TransportServer {
  constructor(readonly needed: ListedServer) {}
  start(): void {}
  stop(): void {}
}

function app(config: KratosModuleConfig): Container {
  const container = new Container();
  container.bind(LOGGER).toConstantValue(silentLogger);
  container.load(createKratosModule({ signals: [], ...config }));
  return container;
}

function thrownBy(call: () => unknown): { code?: string; message: string; cause?: unknown } {
  try {
    call();
  } catch (error) {
    expect(isKratosError(error)).toBe(true);
    return error as { code: string; message: string; cause: unknown };
  }
  throw new Error('nothing was thrown');
}

describe('createKratosModule({ servers, hooks }): only the listed classes run', () => {
  it('runs the listed server and hooks; decorated classes it does not list are ignored', async () => {
    calls.length = 0;
    const kernel = app({ servers: [ListedServer], hooks: [ListedHooks] }).get(LifecycleKernel);
    const run = kernel.run();
    await new Promise<void>((resolve) => kernel.state$.subscribe((s) => s === 'running' && resolve()));
    await kernel.stop();
    await run;
    expect(calls).toEqual(['listed start', 'listed afterStart', 'listed stop']);
    expect(StrayServer.name).toBe('StrayServer'); // decorated in this very file, yet never started
  });

  it('a class in hooks without a hook method: KRATOS_INVALID_OPTIONS naming it, at the call', () => {
    const error = thrownBy(() => createKratosModule({ hooks: [ListedHooks, NoHookMethods] }));
    expect(error.code).toBe(KratosErrorCode.InvalidOptions);
    expect(error.message).toContain('hooks lists NoHookMethods, which has no method decorated with');
    expect(error.message).not.toContain('ListedHooks');
  });

  it('entries that are not classes and lists that are not arrays: every problem at once', () => {
    const error = thrownBy(() =>
      createKratosModule({
        servers: [new ListedServer()] as never,
        hooks: 'ListedHooks' as never,
      }),
    );
    expect(error.code).toBe(KratosErrorCode.InvalidOptions);
    expect(error.message).toContain('servers[0] is an object (an instance?), not a class');
    expect(error.message).toContain('hooks must be an array of classes, got "ListedHooks"');
  });

  it('a listed server with hook methods but not in hooks: refused, its hooks would not run', () => {
    const error = thrownBy(() => createKratosModule({ servers: [ServerWithHooks] }));
    expect(error.code).toBe(KratosErrorCode.InvalidOptions);
    expect(error.message).toContain('ServerWithHooks has hook methods (@AfterStop() cleanUp)');
    expect(() => createKratosModule({ servers: [ServerWithHooks], hooks: [ServerWithHooks] })).not.toThrow();
  });

  it('a listed class the container cannot build: KRATOS_UNRESOLVABLE_CLASS naming it and its list', () => {
    const container = app({ hooks: [NeedsSomething] });
    const error = thrownBy(() => container.get(LifecycleKernel));
    expect(error.code).toBe(KratosErrorCode.UnresolvableClass);
    expect(error.message).toContain('Class NeedsSomething, listed in createKratosModule({ hooks })');
    expect(error.message).toContain('test/NEEDED');
    expect(error.message).not.toContain('..');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a class without metadata (tsx, esbuild): KRATOS_UNRESOLVABLE_CLASS telling to @inject explicitly', () => {
    const error = thrownBy(() => app({ servers: [NoMetadata] }));
    expect(error.code).toBe(KratosErrorCode.UnresolvableClass);
    expect(error.message).toContain('Class NoMetadata, listed in createKratosModule({ servers })');
    expect(error.message).toContain('explicit @inject(Token)');
  });

  it("a constructor's own error is left as it is", () => {
    const container = app({ hooks: [ThrowsInConstructor] });
    expect(() => container.get(LifecycleKernel)).toThrow(new Error('the config file is missing'));
  });
});
