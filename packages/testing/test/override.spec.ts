import { afterEach, describe, expect, it } from '@jest/globals';
import {
  APP_INFO,
  BeforeStop,
  createKratosModule,
  KRATOS_OPTIONS,
  LifecycleKernel,
  REGISTRAR,
  Server,
  type AppInfo,
  type TransportServer,
} from '@kratos-ts/core';
import { HttpServer } from '@kratos-ts/http';
import { Container, inject, injectable } from 'inversify';
import {
  override,
  overrideFactory,
  recordingRegistrar,
  startTestApp,
  TestingErrorCode,
  type TestApp,
} from '../src/index.js';

// The app under test: a Clock the HTTP server answers from, and an Audit a stop hook writes to.
const CLOCK = Symbol('Clock');
interface Clock {
  now(): string;
}

@injectable()
class Audit {
  readonly lines: string[] = [];
  write(line: string): void {
    throw new Error(`the real audit log is not reachable from tests (${line})`);
  }
}

class Lifecycle {
  constructor(@inject(Audit) private readonly audit: Audit) {}
  @BeforeStop() recordStop(): void {
    this.audit.write('stopping');
  }
}

@Server({ name: 'http' })
class TimeServer extends HttpServer implements TransportServer {
  constructor(@inject(CLOCK) clock: Clock) {
    super({ host: '127.0.0.1', port: 0, handler: (_req, res) => res.end(clock.now()) });
  }
}

/** The app's own wiring, as its main() would do it. */
function createApp(): Container {
  const container = new Container();
  container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'clock', version: '2.0.0' });
  container.bind<Clock>(CLOCK).toConstantValue({ now: () => new Date().toISOString() });
  container.bind(Audit).toSelf().inSingletonScope();
  container.load(createKratosModule({ servers: [TimeServer], hooks: [Lifecycle] }));
  return container;
}

class FakeAudit extends Audit {
  override write(line: string): void {
    this.lines.push(line);
  }
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('override', () => {
  it("reaches a decorated server's dependency and a stop hook's dependency", async () => {
    const container = createApp();
    const audit = new FakeAudit();
    override<Clock>(container, CLOCK, { now: () => '2030-01-01T00:00:00.000Z' });
    override<Audit>(container, Audit, audit);

    app = await startTestApp(container);
    const body = await (await fetch(app.endpoint('http'))).text();
    await app.stop();

    expect(body).toBe('2030-01-01T00:00:00.000Z');
    expect(audit.lines).toEqual(['stopping']);
    expect(container.get(TimeServer)).toBeInstanceOf(TimeServer);
  });

  it('binds a token the app left unbound, e.g. a registrar', async () => {
    const container = createApp();
    const registry = recordingRegistrar();
    override(container, Audit, new FakeAudit());
    override(container, REGISTRAR, registry);

    app = await startTestApp(container);

    expect(registry.calls.map((c) => c.instance.endpoints)).toEqual([[app.endpoint('http')]]);
  });

  it('overrideFactory builds the double once, from the container', async () => {
    const container = createApp();
    let built = 0;
    overrideFactory(container, Audit, (ctx) => {
      built += 1;
      const audit = new FakeAudit();
      audit.lines.push(`for ${ctx.get<AppInfo>(APP_INFO).name}`);
      return audit;
    });

    app = await startTestApp(container);
    await app.stop();

    expect(built).toBe(1);
    expect(container.get(Audit).lines).toEqual(['for clock', 'stopping']);
  });

  it('throws KRATOS_TESTING_TOO_LATE once the kernel was taken or resolved', async () => {
    const taken = createApp();
    override(taken, Audit, new FakeAudit());
    app = await startTestApp(taken);
    expect(() => override(taken, CLOCK, { now: () => 'late' })).toThrow(
      expect.objectContaining({
        code: TestingErrorCode.TooLate,
        message: expect.stringContaining('override(Clock) comes too late'),
      }),
    );

    const resolved = createApp();
    override(resolved, Audit, new FakeAudit());
    resolved.get(LifecycleKernel);
    expect(() => override(resolved, CLOCK, { now: () => 'late' })).toThrow(
      expect.objectContaining({
        code: TestingErrorCode.TooLate,
        message: expect.stringContaining('container.get()'),
      }),
    );
    await expect(startTestApp(resolved)).rejects.toMatchObject({
      code: TestingErrorCode.TooLate,
      message: expect.stringContaining('override(Audit)'),
    });
  });
});
