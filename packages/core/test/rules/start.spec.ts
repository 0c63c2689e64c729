import { describe, expect, it } from '@jest/globals';
import { KernelHarness, namedHook } from '../support/kernel-harness.js';

describe('start rules', () => {
  it('rule 1: signal handling starts when run() is called, before anything starts', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [{ name: 'a', start: { ms: 10 } }],
      hooks: [namedHook(() => h, 'beforeStart', 'warm')],
    });
    const result = await h.run(() => h.signalAt(50));
    expect(result).toEqual({ ok: true });
    expect(h.timeline[0]).toBe('0 signals on SIGTERM,SIGINT');
    expect(h.timeline.indexOf('0 signals on SIGTERM,SIGINT')).toBeLessThan(h.timeline.indexOf('0 warm live'));
    expect(h.timeline.indexOf('0 warm live')).toBeLessThan(h.timeline.indexOf('0 a start'));
  });

  it('rule 2: beforeStart hooks run one at a time, each under hookTimeout; a failure starts nothing and rejects', async () => {
    const h: KernelHarness = new KernelHarness({
      options: { name: 'test', hookTimeout: 100 },
      servers: [{ name: 'a' }],
      hooks: [
        namedHook(() => h, 'beforeStart', 'first', { ms: 30 }),
        namedHook(() => h, 'beforeStart', 'second', { ms: 20, fails: new Error('no database') }),
        namedHook(() => h, 'beforeStart', 'third'),
      ],
    });
    const result = await h.run();
    expect(h.timeOf('first live')).toBe(0);
    expect(h.timeOf('second live')).toBe(30);
    expect(h.linesWith('third')).toEqual([]);
    expect(h.servers[0]!.starts).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_HOOK_FAILED');
    expect(result.error.message).toContain('beforeStart hook "second"');
    expect((result.error.cause as Error).message).toBe('no database');
    expect(h.kernel.state).toBe('failed');
  });

  it('rule 2: a beforeStart hook that outlives hookTimeout fails the start with KRATOS_HOOK_TIMEOUT', async () => {
    const h: KernelHarness = new KernelHarness({
      options: { name: 'test', hookTimeout: 15_000 },
      servers: [{ name: 'a' }],
      hooks: [namedHook(() => h, 'beforeStart', 'slow', { hangs: true })],
    });
    const result = await h.run();
    expect(h.timeOf('slow aborted')).toBe(15_000);
    expect(h.servers[0]!.starts).toEqual([]);
    expect(result.ok || result.error.code).toBe('KRATOS_HOOK_TIMEOUT');
  });

  it('rule 3: all servers start concurrently, each with an AbortSignal and its startTimeout', async () => {
    const h = new KernelHarness({
      servers: [
        { name: 'a', start: { ms: 30 } },
        { name: 'b', start: { ms: 50 } },
        { name: 'c', start: { ms: 10 }, startTimeout: 20 },
      ],
    });
    const result = await h.run(() => h.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect(h.servers.map((s) => s.starts)).toEqual([[0], [0], [0]]);
    for (const server of h.servers) {
      expect(server.startSignal).toBeInstanceOf(AbortSignal);
      expect(server.startSignal?.aborted).toBe(false);
    }
    expect(h.timeOf('state running')).toBe(50);
  });

  it("rule 3: each start signal aborts at its own server's startTimeout", async () => {
    const h = new KernelHarness({
      options: { name: 'test', startTimeout: 1_000 },
      servers: [
        { name: 'a', start: { ms: 300 } },
        { name: 'b', start: { hangs: true, onAbort: 'resolve' }, startTimeout: 200 },
        { name: 'c', start: { hangs: true }, startTimeout: 500 },
      ],
    });
    const result = await h.run();
    // b's deadline came first: b timed out, and the timeout aborted the other starts.
    expect(h.timeOf('b start aborted')).toBe(200);
    expect((h.servers[1]!.startSignal?.reason as DOMException).name).toBe('TimeoutError');
    expect(h.timeOf('a start aborted')).toBe(200);
    expect(h.timeOf('c start aborted')).toBe(200);
    expect((h.servers[0]!.startSignal?.reason as DOMException).name).toBe('AbortError');
    expect(result.ok || result.error.code).toBe('KRATOS_START_TIMEOUT');
    expect(result.ok || result.error.message).toContain('Server "b" did not start within 200 ms');
  });

  it('rule 4: a failed start aborts in-flight starts, stops what started, registers nothing, keeps the original cause', async () => {
    const cause = new Error('listen EADDRINUSE 127.0.0.1:8000');
    const h = new KernelHarness({
      servers: [
        { name: 'fast', start: { ms: 10 } },
        { name: 'broken', start: { ms: 20, fails: cause } },
        { name: 'slow', start: { ms: 500 } },
      ],
      registrars: [{ name: 'mem' }],
    });
    const result = await h.run();
    expect(h.timeOf('slow start aborted')).toBe(20);
    expect(h.servers[0]!.stops).toEqual([20]);
    expect(h.servers[1]!.stops).toEqual([]);
    expect(h.servers[2]!.stops).toEqual([]);
    expect(h.registrars[0]!.calls).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_START_FAILED');
    expect(result.error.message).toContain('Server "broken"');
    expect(result.error.cause).toBe(cause);
    expect(h.kernel.state).toBe('failed');
  });

  it('rule 4: a start that times out fails with KRATOS_START_TIMEOUT naming the server', async () => {
    const h = new KernelHarness({
      servers: [
        { name: 'ok', start: { ms: 5 } },
        { name: 'stuck', start: { hangs: true }, startTimeout: 5_000 },
      ],
    });
    const result = await h.run();
    expect(h.timeOf('stuck start aborted')).toBe(5_000);
    expect(h.servers[0]!.stops).toEqual([5_000]);
    expect(result.ok || result.error.code).toBe('KRATOS_START_TIMEOUT');
    expect(result.ok || result.error.message).toContain('Server "stuck" did not start within 5000 ms');
  });

  it('rule 4: a timed-out start that rejects once aborted keeps its own rejection as the cause', async () => {
    const own = new Error('gave up binding 0.0.0.0:8000');
    const h = new KernelHarness({
      servers: [{ name: 'stuck', start: { hangs: true, abortError: own }, startTimeout: 3_000 }],
    });
    const result = await h.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_START_TIMEOUT');
    expect(result.error.message).toContain('Server "stuck" did not start within 3000 ms');
    expect(result.error.cause).toBe(own);
  });

  it('rule 4: a server that finishes starting after the abort is stopped too', async () => {
    const h = new KernelHarness({
      servers: [
        { name: 'broken', start: { ms: 10, fails: new Error('boom') } },
        { name: 'stubborn', start: { ms: 300, onAbort: 'ignore' } },
      ],
    });
    const result = await h.run();
    expect(result.ok).toBe(false);
    expect(h.servers[1]!.stops).toEqual([300]);
  });

  it('rule 5: the instance is built after every start resolved, from endpoint() or from the options', async () => {
    const h = new KernelHarness({
      servers: [
        { name: 'a', start: { ms: 10 }, endpoint: 'http://127.0.0.1:41000' },
        { name: 'b', start: { ms: 40 }, endpoint: 'grpc://127.0.0.1:41001' },
      ],
      registrars: [{ name: 'mem' }],
    });
    const endpointsSeenEarly: (readonly string[])[] = [];
    await h.run(() => {
      h.at(20, () => endpointsSeenEarly.push(h.kernel.app.endpoints));
      h.signalAt(100);
    });
    expect(h.timeOf('a endpoint')).toBe(40);
    expect(endpointsSeenEarly).toEqual([[]]);
    expect(h.kernel.app.endpoints).toEqual(['http://127.0.0.1:41000', 'grpc://127.0.0.1:41001']);

    const explicit = new KernelHarness({
      options: { name: 'test', endpoints: ['http://10.0.0.5:8000'] },
      servers: [{ name: 'a' }],
    });
    await explicit.run(() => explicit.signalAt(1));
    expect(explicit.kernel.app.endpoints).toEqual(['http://10.0.0.5:8000']);
    expect(explicit.linesWith('endpoint')).toEqual([]);
  });

  it('rule 6: registration runs concurrently under registrarTimeout; a failure deregisters where it succeeded and stops all servers', async () => {
    const h = new KernelHarness({
      options: { name: 'test', registrarTimeout: 1_000 },
      servers: [{ name: 'a', start: { ms: 10 } }],
      registrars: [
        { name: 'good', register: { ms: 5 } },
        { name: 'bad', register: { ms: 20, fails: new Error('etcd: permission denied') } },
      ],
    });
    const result = await h.run();
    expect(h.timeOf('good register')).toBe(10);
    expect(h.timeOf('bad register')).toBe(10);
    expect(h.timeOf('good deregister')).toBe(30);
    expect(h.registrars[0]!.registered.size).toBe(0);
    expect(h.servers[0]!.stops).toEqual([30]);
    expect(result.ok || result.error.code).toBe('KRATOS_REGISTER_FAILED');
    expect(result.ok || result.error.message).toContain('Registrar "bad"');
  });

  it('rule 6: a registrar that outlives registrarTimeout fails the start with KRATOS_REGISTER_TIMEOUT', async () => {
    const h = new KernelHarness({
      options: { name: 'test', registrarTimeout: 10_000 },
      servers: [{ name: 'a' }],
      registrars: [{ name: 'slow', register: { hangs: true } }],
    });
    const result = await h.run();
    expect(h.timeOf('slow register aborted')).toBe(10_000);
    expect(h.servers[0]!.stops).toEqual([10_000]);
    expect(result.ok || result.error.code).toBe('KRATOS_REGISTER_TIMEOUT');
  });

  it('rule 7: an afterStart failure deregisters, stops the servers and rejects', async () => {
    const h: KernelHarness = new KernelHarness({
      servers: [{ name: 'a' }],
      registrars: [{ name: 'mem' }],
      hooks: [namedHook(() => h, 'afterStart', 'announce', { ms: 5, fails: new Error('no slack') })],
    });
    const result = await h.run();
    expect(h.timeOf('mem deregister')).toBe(5);
    expect(h.servers[0]!.stops).toEqual([5]);
    expect(h.registrars[0]!.registered.size).toBe(0);
    expect(h.events.some((e) => e.type === 'state' && e.state === 'running')).toBe(false);
    expect(result.ok || result.error.code).toBe('KRATOS_HOOK_FAILED');
  });

  it('rule 7: running is logged as one bounded line, even for 2000 servers', async () => {
    const h = new KernelHarness({
      servers: Array.from({ length: 2000 }, (_, i) => ({ name: `server-${i}`, start: { ms: i % 7 } })),
    });
    await h.run(() => h.signalAt(100));
    const running = h.logs.filter((log) => log.msg.includes(' running (id '));
    expect(running).toHaveLength(1);
    expect(running[0]!.msg).toContain(
      '2000 servers [server-0, server-1, server-2, server-3, server-4, +1995 more]',
    );
    expect(running[0]!.msg).not.toContain('\n');
    expect(running[0]!.msg.length).toBeLessThan(600);
  });
});
