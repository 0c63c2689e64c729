import { describe, expect, it } from '@jest/globals';
import { fakeHook, fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

describe('start rules', () => {
  it('rule 1: signal handling starts when run() is called, before anything starts', async () => {
    const vk = virtualKernel({
      options: { name: 'test', signals: ['SIGTERM', 'SIGINT'] },
      servers: [fakeServer({ name: 'a', start: { ms: 10 } })],
      hooks: [fakeHook('beforeStart', 'warm')],
    });
    const result = await vk.run(() => vk.signalAt(50));
    expect(result).toEqual({ ok: true });
    expect(vk.timeline[0]).toBe('0 signals on SIGTERM,SIGINT');
    expect(vk.timeline.indexOf('0 signals on SIGTERM,SIGINT')).toBeLessThan(
      vk.timeline.indexOf('0 warm live'),
    );
    expect(vk.timeline.indexOf('0 warm live')).toBeLessThan(vk.timeline.indexOf('0 a start'));
  });

  it('rule 2: beforeStart hooks run one at a time, each under hookTimeout; a failure starts nothing and rejects', async () => {
    const a = fakeServer({ name: 'a' });
    const vk = virtualKernel({
      options: { name: 'test', hookTimeout: 100 },
      servers: [a],
      hooks: [
        fakeHook('beforeStart', 'first', { ms: 30 }),
        fakeHook('beforeStart', 'second', { ms: 20, fails: new Error('no database') }),
        fakeHook('beforeStart', 'third'),
      ],
    });
    const result = await vk.run();
    expect(vk.timeOf('first live')).toBe(0);
    expect(vk.timeOf('second live')).toBe(30);
    expect(vk.linesWith('third')).toEqual([]);
    expect(a.starts).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_HOOK_FAILED');
    expect(result.error.message).toContain('beforeStart hook "second"');
    expect((result.error.cause as Error).message).toBe('no database');
    expect(vk.kernel.state).toBe('failed');
  });

  it('rule 2: a beforeStart hook that outlives hookTimeout fails the start with KRATOS_HOOK_TIMEOUT', async () => {
    const a = fakeServer({ name: 'a' });
    const vk = virtualKernel({
      options: { name: 'test', hookTimeout: 15_000 },
      servers: [a],
      hooks: [fakeHook('beforeStart', 'slow', { hangs: true })],
    });
    const result = await vk.run();
    expect(vk.timeOf('slow aborted')).toBe(15_000);
    expect(a.starts).toEqual([]);
    expect(result.ok || result.error.code).toBe('KRATOS_HOOK_TIMEOUT');
  });

  it('rule 3: all servers start concurrently, each with an AbortSignal and its startTimeout', async () => {
    const a = fakeServer({ name: 'a', start: { ms: 30 } });
    const b = fakeServer({ name: 'b', start: { ms: 50 } });
    const c = fakeServer({ name: 'c', start: { ms: 10 } });
    const vk = virtualKernel({ servers: [a, b, { server: c, startTimeout: 20 }] });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect([a, b, c].map((s) => s.starts)).toEqual([[0], [0], [0]]);
    for (const server of [a, b, c]) {
      expect(server.startSignal).toBeInstanceOf(AbortSignal);
      expect(server.startSignal?.aborted).toBe(false);
    }
    expect(vk.timeOf('state running')).toBe(50);
  });

  it("rule 3: each start signal aborts at its own server's startTimeout", async () => {
    const a = fakeServer({ name: 'a', start: { ms: 300 } });
    const b = fakeServer({ name: 'b', start: { hangs: true, onAbort: 'resolve' } });
    const c = fakeServer({ name: 'c', start: { hangs: true } });
    const vk = virtualKernel({
      options: { name: 'test', startTimeout: 1_000 },
      servers: [a, { server: b, startTimeout: 200 }, { server: c, startTimeout: 500 }],
    });
    const result = await vk.run();
    // b's deadline came first: b timed out, and the timeout aborted the other starts.
    expect(vk.timeOf('b start aborted')).toBe(200);
    expect((b.startSignal?.reason as DOMException).name).toBe('TimeoutError');
    expect(vk.timeOf('a start aborted')).toBe(200);
    expect(vk.timeOf('c start aborted')).toBe(200);
    expect((a.startSignal?.reason as DOMException).name).toBe('AbortError');
    expect(result.ok || result.error.code).toBe('KRATOS_START_TIMEOUT');
    expect(result.ok || result.error.message).toContain('Server "b" did not start within 200 ms');
  });

  it('rule 4: a failed start aborts in-flight starts, stops what started, registers nothing, keeps the original cause', async () => {
    const cause = new Error('listen EADDRINUSE 127.0.0.1:8000');
    const fast = fakeServer({ name: 'fast', start: { ms: 10 } });
    const broken = fakeServer({ name: 'broken', start: { ms: 20, fails: cause } });
    const slow = fakeServer({ name: 'slow', start: { ms: 500 } });
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({ servers: [fast, broken, slow], registrars: [mem] });
    const result = await vk.run();
    expect(vk.timeOf('slow start aborted')).toBe(20);
    expect(fast.stops).toEqual([20]);
    expect(broken.stops).toEqual([]);
    expect(slow.stops).toEqual([]);
    expect(mem.calls).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_START_FAILED');
    expect(result.error.message).toContain('Server "broken"');
    expect(result.error.cause).toBe(cause);
    expect(vk.kernel.state).toBe('failed');
  });

  it('rule 4: a start that times out fails with KRATOS_START_TIMEOUT naming the server', async () => {
    const ok = fakeServer({ name: 'ok', start: { ms: 5 } });
    const stuck = fakeServer({ name: 'stuck', start: { hangs: true } });
    const vk = virtualKernel({ servers: [ok, { server: stuck, startTimeout: 5_000 }] });
    const result = await vk.run();
    expect(vk.timeOf('stuck start aborted')).toBe(5_000);
    expect(ok.stops).toEqual([5_000]);
    expect(result.ok || result.error.code).toBe('KRATOS_START_TIMEOUT');
    expect(result.ok || result.error.message).toContain('Server "stuck" did not start within 5000 ms');
  });

  it('rule 4: a timed-out start that rejects once aborted keeps its own rejection as the cause', async () => {
    const own = new Error('gave up binding 0.0.0.0:8000');
    const stuck = fakeServer({ name: 'stuck', start: { hangs: true, abortError: own } });
    const vk = virtualKernel({ servers: [{ server: stuck, startTimeout: 3_000 }] });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_START_TIMEOUT');
    expect(result.error.message).toContain('Server "stuck" did not start within 3000 ms');
    expect(result.error.cause).toBe(own);
  });

  it('rule 4: a server that finishes starting after the abort is stopped too', async () => {
    const stubborn = fakeServer({ name: 'stubborn', start: { ms: 300, onAbort: 'ignore' } });
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'broken', start: { ms: 10, fails: new Error('boom') } }), stubborn],
    });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    expect(stubborn.stops).toEqual([300]);
  });

  it('rule 5: the instance is built after every start resolved, from endpoint() or from the options', async () => {
    const vk = virtualKernel({
      servers: [
        fakeServer({ name: 'a', start: { ms: 10 }, endpoint: 'http://127.0.0.1:41000' }),
        fakeServer({ name: 'b', start: { ms: 40 }, endpoint: 'grpc://127.0.0.1:41001' }),
      ],
      registrars: [recordingRegistrar({ name: 'mem' })],
    });
    const endpointsSeenEarly: (readonly string[])[] = [];
    await vk.run(() => {
      vk.at(20, () => endpointsSeenEarly.push(vk.kernel.app.endpoints));
      vk.signalAt(100);
    });
    expect(vk.timeOf('a endpoint')).toBe(40);
    expect(endpointsSeenEarly).toEqual([[]]);
    expect(vk.kernel.app.endpoints).toEqual(['http://127.0.0.1:41000', 'grpc://127.0.0.1:41001']);

    const explicit = virtualKernel({
      options: { name: 'test', endpoints: ['http://10.0.0.5:8000'] },
      servers: [fakeServer({ name: 'a' })],
    });
    await explicit.run(() => explicit.signalAt(1));
    expect(explicit.kernel.app.endpoints).toEqual(['http://10.0.0.5:8000']);
    expect(explicit.linesWith('endpoint')).toEqual([]);
  });

  it('rule 6: registration runs concurrently under registrarTimeout; a failure deregisters where it succeeded and stops all servers', async () => {
    const a = fakeServer({ name: 'a', start: { ms: 10 } });
    const good = recordingRegistrar({ name: 'good', register: { ms: 5 } });
    const vk = virtualKernel({
      options: { name: 'test', registrarTimeout: 1_000 },
      servers: [a],
      registrars: [
        good,
        recordingRegistrar({
          name: 'bad',
          register: { ms: 20, fails: new Error('etcd: permission denied') },
        }),
      ],
    });
    const result = await vk.run();
    expect(vk.timeOf('good register')).toBe(10);
    expect(vk.timeOf('bad register')).toBe(10);
    expect(vk.timeOf('good deregister')).toBe(30);
    expect(good.registered.size).toBe(0);
    expect(a.stops).toEqual([30]);
    expect(result.ok || result.error.code).toBe('KRATOS_REGISTER_FAILED');
    expect(result.ok || result.error.message).toContain('Registrar "bad"');
  });

  it('rule 6: a registrar that outlives registrarTimeout fails the start with KRATOS_REGISTER_TIMEOUT', async () => {
    const a = fakeServer({ name: 'a' });
    const vk = virtualKernel({
      options: { name: 'test', registrarTimeout: 10_000 },
      servers: [a],
      registrars: [recordingRegistrar({ name: 'slow', register: { hangs: true } })],
    });
    const result = await vk.run();
    expect(vk.timeOf('slow register aborted')).toBe(10_000);
    expect(a.stops).toEqual([10_000]);
    expect(result.ok || result.error.code).toBe('KRATOS_REGISTER_TIMEOUT');
  });

  it('rule 7: an afterStart failure deregisters, stops the servers and rejects', async () => {
    const a = fakeServer({ name: 'a' });
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({
      servers: [a],
      registrars: [mem],
      hooks: [fakeHook('afterStart', 'announce', { ms: 5, fails: new Error('no slack') })],
    });
    const result = await vk.run();
    expect(vk.timeOf('mem deregister')).toBe(5);
    expect(a.stops).toEqual([5]);
    expect(mem.registered.size).toBe(0);
    expect(vk.events.some(({ event }) => event.type === 'state' && event.state === 'running')).toBe(false);
    expect(result.ok || result.error.code).toBe('KRATOS_HOOK_FAILED');
  });

  it('rule 7: running is logged as one bounded line, even for 2000 servers', async () => {
    const vk = virtualKernel({
      servers: Array.from({ length: 2000 }, (_, i) =>
        fakeServer({ name: `server-${i}`, start: { ms: i % 7 } }),
      ),
    });
    await vk.run(() => vk.signalAt(100));
    const running = vk.logs.filter((log) => log.msg.includes(' running (id '));
    expect(running).toHaveLength(1);
    expect(running[0]!.msg).toContain(
      '2000 servers [server-0, server-1, server-2, server-3, server-4, +1995 more]',
    );
    expect(running[0]!.msg).not.toContain('\n');
    expect(running[0]!.msg.length).toBeLessThan(600);
  });
});
