import { afterEach, describe, expect, it } from '@jest/globals';
import {
  BeforeStop,
  createKratosModule,
  KRATOS_OPTIONS,
  KRATOS_SCHEDULER,
  KratosErrorCode,
  REGISTRAR,
  SERVER,
  type KratosOptions,
} from '@kratos-ts/core';
import { HttpServer } from '@kratos-ts/http';
import {
  fakeServer,
  override,
  recordingRegistrar,
  startTestApp,
  virtualKernel,
  type TestApp,
} from '@kratos-ts/testing';
import { Container, inject, injectable } from 'inversify';
import { asyncScheduler, firstValueFrom, timer, type SchedulerLike } from 'rxjs';

// The service under test, wired as its main() wires it (in a real project: imported from src/).
@injectable()
class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

class Lifecycle {
  constructor(@inject(KRATOS_SCHEDULER) private readonly scheduler: SchedulerLike) {}
  // Lets in-flight greetings finish. It waits on KRATOS_SCHEDULER, so a virtual kernel runs it in virtual time.
  @BeforeStop() async drain(): Promise<void> {
    await firstValueFrom(timer(3_000, this.scheduler));
  }
}

function createApp(options: KratosOptions = {}): Container {
  const container = new Container();
  container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', version: '1.0.0', ...options });
  container.bind(KRATOS_SCHEDULER).toConstantValue(asyncScheduler); // virtualKernel rebinds it to virtual time
  container.bind(Greeter).toSelf().inSingletonScope();
  container
    .bind(SERVER)
    .toDynamicValue((ctx) => {
      const greeter = ctx.get(Greeter);
      return new HttpServer({
        name: 'http',
        host: '127.0.0.1',
        port: 0,
        handler: (req, res) =>
          res.end(greeter.greet(new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? '')),
      });
    })
    .inSingletonScope();
  container.load(createKratosModule({ hooks: [Lifecycle] }));
  return container;
}

describe('the greeter, running for real on 127.0.0.1', () => {
  let app: TestApp | undefined;
  afterEach(() => app?.stop()); // the real stop, with its real 3 s drain

  it('answers on the endpoint it registered, with a double where the app had Greeter', async () => {
    const container = createApp();
    const registry = recordingRegistrar();
    override(container, REGISTRAR, registry);
    override(container, Greeter, { greet: (name: string) => `hi ${name}` });

    app = await startTestApp(container);

    const res = await fetch(`${app.endpoint('http')}/?name=Ada`);
    expect(await res.text()).toBe('hi Ada');
    expect(registry.calls.map((call) => call.instance.endpoints)).toEqual([app.app.endpoints]);
  });
});

describe('the greeter stopping, in virtual time', () => {
  it('drains for 3 s before it deregisters and stops the server', async () => {
    const container = createApp();
    const http = fakeServer({ name: 'http', start: 20 });
    const registry = recordingRegistrar({ name: 'registry' });
    override(container, SERVER, http);
    override(container, REGISTRAR, registry);

    const vk = virtualKernel({ container });
    const result = await vk.run(() => vk.signalAt(1_000)); // SIGTERM at 1 s; takes microseconds

    expect(result).toEqual({ ok: true });
    expect(vk.timeOf('state running')).toBe(20);
    expect(vk.timeOf('registry deregister')).toBe(4_000);
    expect(http.stops).toEqual([4_000]);
  });

  it('gives up the drain at hookTimeout', async () => {
    const container = createApp({ hookTimeout: 500 });
    override(container, SERVER, fakeServer({ name: 'http' }));

    const vk = virtualKernel({ container });
    const result = await vk.run(() => vk.signalAt(1_000));

    expect(result.ok || result.error.code).toBe(KratosErrorCode.HookTimeout);
    expect(vk.timeOf('http stop')).toBe(2_500); // 500 ms, plus 1 s before an unheeding hook is abandoned
  });
});
