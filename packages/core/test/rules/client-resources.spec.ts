import { afterEach, describe, expect, it } from '@jest/globals';
import { Container } from 'inversify';
import { fakeServer, virtualKernel, type FakeServer, type VirtualKernel } from '@kratos-ts/testing';
import {
  AfterStop,
  BeforeStart,
  KRATOS_SCHEDULER,
  SERVER,
  createKratosModule,
  type HookContext,
  type KratosOptions,
} from '../../src/index.js';
import { inject } from 'inversify';
import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';

// "Client resources" (docs/lifecycle.md): a resource shared by the servers (a broker connection,
// a database pool) is opened by its own @BeforeStart hook and closed by its own @AfterStop hook.
// The close must run on every path once the open succeeded, after every server stopped, bounded.

let mark: (what: string) => void = () => undefined;
let openFails: Error | undefined;
let closeHangs = false;
/** How long the open takes, ignoring its signal (a client that cannot be cancelled). */
let openMs = 50;
let openIgnoresSignal = false;

class Connection {
  opened = false;
  #opening: Promise<void> | undefined;
  constructor(@inject(KRATOS_SCHEDULER) private readonly scheduler: SchedulerLike) {}

  @BeforeStart()
  open(ctx: HookContext): Promise<void> {
    this.#opening = this.#connect(ctx);
    return this.#opening;
  }

  async #connect({ signal }: HookContext): Promise<void> {
    mark('connection opening');
    await firstValueFrom(timer(openMs, this.scheduler));
    if (!openIgnoresSignal) signal.throwIfAborted();
    if (openFails) throw openFails;
    this.opened = true;
    mark('connection open');
  }

  @AfterStop()
  async close({ signal }: HookContext): Promise<void> {
    // An open still in flight (it ignored its signal) is waited for, under hookTimeout, then closed.
    await this.#opening?.catch(() => undefined);
    if (!this.opened) return;
    mark('connection closing');
    if (closeHangs) await new Promise((resolve) => signal.addEventListener('abort', resolve));
    this.opened = false;
    mark('connection closed');
  }
}

class LaterHook {
  @BeforeStart({ order: 1 })
  failing(): void {
    throw new Error('warm-up failed');
  }
}

function app(
  servers: FakeServer[],
  options: KratosOptions = {},
  hooks: (new (...a: never[]) => unknown)[] = [],
) {
  const container = new Container();
  for (const server of servers) container.bind(SERVER).toConstantValue(server);
  container.load(
    createKratosModule({
      name: 'svc',
      drainDelay: 1_000,
      hookTimeout: 2_000,
      ...options,
      hooks: [Connection, ...hooks],
    }),
  );
  const vk = virtualKernel({ container });
  mark = (what) => vk.mark(what);
  return { vk, connection: (): Connection => container.get(Connection) };
}

const closedAfter = (vk: VirtualKernel, what: string): void => {
  const closed = vk.timeline.findIndex((line) => line.endsWith(' connection closed'));
  expect(closed).toBeGreaterThan(-1);
  expect(closed).toBeGreaterThan(vk.timeline.findIndex((line) => line.endsWith(` ${what}`)));
  expect(vk.linesWith('connection closed')).toHaveLength(1);
};

afterEach(() => {
  openFails = undefined;
  closeHangs = false;
  openMs = 50;
  openIgnoresSignal = false;
});

describe('client resources: opened by @BeforeStart, closed by @AfterStop on every path', () => {
  it('clean stop: open before any server starts, still open while the HTTP server drains, closed after every server stopped', async () => {
    const http = fakeServer({ name: 'http' });
    const consumer = fakeServer({ name: 'consumer', drainDelay: 0 });
    const { vk, connection } = app([http, consumer]);
    const at600: boolean[] = [];
    // Read during the run, asserted after it: a failed assertion never leaves a kernel running.
    const result = await vk.run(() => {
      vk.signalAt(100);
      vk.at(600, () => at600.push(consumer.serving, connection().opened)); // HTTP drains until 1100
    });
    expect(vk.timeOf('connection open')).toBe(50);
    expect(vk.timeOf('http start')).toBe(50);
    expect(at600).toEqual([false, true]);
    expect(result.ok).toBe(true);
    expect(vk.timeOf('connection closed')).toBe(1_100);
    closedAfter(vk, 'http stop resolved');
  });

  it('a server fails to start: the rollback closes it', async () => {
    const broken = fakeServer({ name: 'http', start: { ms: 10, fails: new Error('EADDRINUSE') } });
    const { vk } = app([broken]);
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('KRATOS_START_FAILED');
    closedAfter(vk, 'http stop resolved');
  });

  it('a later beforeStart hook fails: no server starts, and it is closed', async () => {
    const http = fakeServer({ name: 'http' });
    const { vk } = app([http], {}, [LaterHook]);
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('KRATOS_HOOK_FAILED');
    expect(http.starts).toEqual([]);
    closedAfter(vk, 'connection open');
  });

  it('a stop requested during the start (servers starting) closes it', async () => {
    const http = fakeServer({ name: 'http', start: 500 });
    const { vk } = app([http]);
    const result = await vk.run(() => vk.signalAt(200));
    expect(result.ok).toBe(true);
    closedAfter(vk, 'http start aborted');
  });

  it('a stop requested while it opens: the open gives up, and nothing is left to close', async () => {
    const http = fakeServer({ name: 'http' });
    const { vk, connection } = app([http]);
    const result = await vk.run(() => vk.signalAt(20));
    expect(result.ok).toBe(true);
    expect(http.starts).toEqual([]);
    expect(connection().opened).toBe(false);
    expect(vk.linesWith('connection open')).toEqual(['0 connection opening']);
  });

  it('an open that ignores its signal and connects after it was abandoned is still closed, by a close that waits for it', async () => {
    openMs = 1_500;
    openIgnoresSignal = true;
    const http = fakeServer({ name: 'http' });
    const { vk, connection } = app([http]);
    const result = await vk.run(() => vk.signalAt(20));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('KRATOS_HOOK_TIMEOUT'); // abandoned at 1020
    expect(http.starts).toEqual([]);
    expect(vk.timeOf('connection open')).toBe(1_500);
    expect(vk.timeOf('connection closed')).toBe(1_500);
    expect(connection().opened).toBe(false);
  });

  it('an uncaught error stops the app gracefully and closes it', async () => {
    const http = fakeServer({ name: 'http' });
    const { vk } = app([http]);
    const result = await vk.run(() => vk.uncaughtAt(300, new Error('boom')));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('KRATOS_UNCAUGHT_ERROR');
    closedAfter(vk, 'http stop resolved');
  });

  it('the open failing fails the start with KRATOS_HOOK_FAILED, the error as its cause; no server starts', async () => {
    openFails = new Error('ECONNREFUSED 127.0.0.1:5672');
    const http = fakeServer({ name: 'http' });
    const { vk } = app([http]);
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_HOOK_FAILED');
    expect(result.error.cause).toBe(openFails);
    expect(result.error.message).toContain('Connection.open');
    expect(http.starts).toEqual([]);
    expect(vk.linesWith('connection clos')).toEqual([]);
  });

  it('the close is bounded by hookTimeout: a close that hangs is aborted and reported, and run() settles', async () => {
    closeHangs = true;
    const { vk } = app([fakeServer({ name: 'http' })]);
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('KRATOS_HOOK_TIMEOUT');
    expect(vk.timeOf('connection closing')).toBe(1_100);
    expect(vk.timeOf('connection closed')).toBe(3_100);
  });
});
