import { describe, expect, it } from '@jest/globals';
import { Container, inject, injectable } from 'inversify';
import {
  AfterStart,
  AfterStop,
  APP_INFO,
  BeforeStart,
  BeforeStop,
  createKratosModule,
  InMemoryRegistry,
  KRATOS_OPTIONS,
  kratosModule,
  LifecycleKernel,
  LOGGER,
  REGISTRAR,
  SERVER,
  Server,
  silentLogger,
  type AppInfo,
  type HookContext,
  type KratosOptions,
  type ServiceRegistrar,
  type TransportServer,
} from '../../src/index.js';

const calls: string[] = [];

@injectable()
class GreeterHandler {
  constructor(@inject(APP_INFO) private readonly app: AppInfo) {}
  greet(who: string): string {
    return `hello ${who} from ${this.app.name}@${this.app.version}`;
  }
}

@Server({ name: 'ticker', startTimeout: 5_000, stopTimeout: 2_000 })
class TickerServer implements TransportServer {
  greeting = '';
  constructor(@inject(GreeterHandler) private readonly handler: GreeterHandler) {}
  async start(_signal: AbortSignal): Promise<void> {
    this.greeting = this.handler.greet('ticker');
    calls.push('ticker start');
  }
  async stop(_signal: AbortSignal): Promise<void> {
    calls.push('ticker stop');
  }
  endpoint(): string {
    return 'tick://127.0.0.1:7000';
  }
}

@injectable()
@Server()
class BothDecorators implements TransportServer {
  start(): void {
    calls.push('both start');
  }
  stop(): void {
    calls.push('both stop');
  }
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- found by kratosModule through its decorators
class Lifecycle {
  @BeforeStart() async warmUp(ctx: HookContext) {
    calls.push(`warmUp ${ctx.app.name}`);
  }
  @AfterStart({ order: 1 }) announce(ctx: HookContext) {
    calls.push(`announce ${ctx.app.endpoints.join(',')}`);
  }
  @AfterStart() first() {
    calls.push('afterStart order 0');
  }
  @BeforeStop() flush() {
    calls.push('flush');
  }
  @AfterStop() close(ctx: HookContext) {
    calls.push(`close aborted=${ctx.signal.aborted}`);
  }
}

function baseContainer(options: KratosOptions = { name: 'greeter', version: '1.0.0', signals: [] }) {
  const container = new Container();
  container.bind<KratosOptions>(KRATOS_OPTIONS).toConstantValue(options);
  container.bind(LOGGER).toConstantValue(silentLogger);
  container.bind(GreeterHandler).toSelf();
  return container;
}

describe('kratosModule', () => {
  it('binds the kernel, APP_INFO and every decorated class; hooks run in order; AppInfo reaches handlers', async () => {
    calls.length = 0;
    const registry = new InMemoryRegistry();
    const container = baseContainer({
      name: 'greeter',
      version: '1.0.0',
      signals: [],
      afterStart: [() => void calls.push('option afterStart')],
    });
    container.bind<ServiceRegistrar>(REGISTRAR).toConstantValue(registry);
    container.load(kratosModule);
    const kernel = container.get(LifecycleKernel);
    const app = container.get<AppInfo>(APP_INFO);
    expect(app).toBe(kernel.app);
    expect(app.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.isFrozen(app.metadata)).toBe(true);

    const running = new Promise<void>((resolve) =>
      kernel.state$.subscribe((s) => s === 'running' && resolve()),
    );
    const run = kernel.run();
    await running;
    expect(await registry.getService('greeter')).toEqual([
      { id: app.id, name: 'greeter', version: '1.0.0', metadata: {}, endpoints: ['tick://127.0.0.1:7000'] },
    ]);
    expect(container.get(TickerServer).greeting).toBe('hello ticker from greeter@1.0.0');
    await kernel.stop();
    await run;
    expect(await registry.getService('greeter')).toEqual([]);
    expect(calls.filter((c) => !c.startsWith('both'))).toEqual([
      'warmUp greeter',
      'ticker start',
      'option afterStart',
      'afterStart order 0',
      'announce tick://127.0.0.1:7000',
      'flush',
      'ticker stop',
      'close aborted=false',
    ]);
    expect(calls).toContain('both start');
  });

  it('runs servers bound to SERVER next to decorated ones, with their own names', async () => {
    const container = baseContainer();
    const library: TransportServer = { name: 'library', start: () => undefined, stop: () => undefined };
    container.bind(SERVER).toConstantValue(library);
    container.load(createKratosModule({ servers: [TickerServer] }));
    const kernel = container.get(LifecycleKernel);
    const names: string[] = [];
    kernel.events$.subscribe((e) => e.type === 'server-start' && names.push(e.server));
    const run = kernel.run();
    await kernel.stop();
    await run;
    expect(names.sort()).toEqual(['library', 'ticker']);
  });

  it('createKratosModule takes options; a bound KRATOS_OPTIONS overrides them key by key', () => {
    const container = new Container();
    container.bind(LOGGER).toConstantValue(silentLogger);
    container.bind<KratosOptions>(KRATOS_OPTIONS).toConstantValue({ version: '2.0.0' });
    container.load(createKratosModule({ name: 'explicit', version: '1.0.0', metadata: { zone: 'a' } }));
    const app = container.get<AppInfo>(APP_INFO);
    expect([app.name, app.version, app.metadata]).toEqual(['explicit', '2.0.0', { zone: 'a' }]);
  });

  it('@Server() together with @injectable() does not break', () => {
    const container = baseContainer();
    container.load(createKratosModule({ servers: [BothDecorators] }));
    expect(container.get(BothDecorators)).toBeInstanceOf(BothDecorators);
    expect(container.get(BothDecorators)).toBe(container.get(BothDecorators));
  });
});
