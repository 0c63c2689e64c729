import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';
import { lifecycleTrace, type TransportServer } from '../../src/index.js';

// Rule 12, the stop report: a stop(signal) that resolves with a ServerStopReport ({ abandoned })
// has it on its server-stop event, in the trace, and a warning naming server and count when it
// abandoned work.

const stopEvents = (vk: ReturnType<typeof virtualKernel>) =>
  vk.events.flatMap((e) => (e.event.type === 'server-stop' ? [e.event] : []));

describe('rule 12: a stop may report the work it abandoned', () => {
  it('a stop that resolves with { abandoned } after its signal aborted, within the grace: on the event, in the trace, and a warn log', async () => {
    const consumer = fakeServer({
      name: 'consumer',
      stop: { hangs: true, onAbort: 'resolve' },
      stopReport: { abandoned: 3 },
    });
    const vk = virtualKernel({ options: { name: 'svc', stopTimeout: 1_000 }, servers: [consumer] });
    const trace = lifecycleTrace(vk.kernel, { now: () => vk.now(), measure: false });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(true);
    expect(stopEvents(vk)).toEqual([
      {
        type: 'server-stop',
        server: 'consumer',
        status: 'timeout',
        durationMs: 1_000,
        report: { abandoned: 3 },
      },
    ]);
    const warning = vk.logs.find((l) => l.level === 'warn' && l.msg.includes('abandoned'));
    expect(warning?.msg).toContain('Server "consumer" abandoned 3 in-flight unit(s) of work');
    expect(warning?.fields).toEqual({ server: 'consumer', abandoned: 3 });
    const span = trace.document().traceEvents.find((e) => e.name === 'stop consumer');
    expect(span?.args).toEqual({ status: 'timeout', abandoned: 3 });
  });

  it('a promise, a plain return value and an Observable may carry the report; 0 abandoned logs no warning', async () => {
    const servers: TransportServer[] = [
      { name: 'promise', start: () => undefined, stop: () => Promise.resolve({ abandoned: 0 }) },
      { name: 'sync', start: () => undefined, stop: () => ({ abandoned: 2 }) },
      fakeServer({ name: 'observable', stopReport: { abandoned: 1 } }),
    ];
    const vk = virtualKernel({ servers });
    await vk.run(() => vk.signalAt(100));
    const reports = Object.fromEntries(stopEvents(vk).map((e) => [e.server, e.report]));
    expect(reports).toEqual({
      promise: { abandoned: 0 },
      sync: { abandoned: 2 },
      observable: { abandoned: 1 },
    });
    const warned = vk.logs.filter((l) => l.level === 'warn').map((l) => l.fields);
    expect(warned).toEqual([
      { server: 'sync', abandoned: 2 },
      { server: 'observable', abandoned: 1 },
    ]);
  });

  it('a stop that resolves with nothing, or with an object without abandoned, has no report', async () => {
    const servers: TransportServer[] = [
      fakeServer({ name: 'plain' }),
      {
        name: 'self',
        start: () => undefined,
        stop() {
          return this;
        },
      },
    ];
    const vk = virtualKernel({ servers });
    await vk.run(() => vk.signalAt(100));
    for (const event of stopEvents(vk)) expect('report' in event).toBe(false);
    expect(vk.logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('an abandoned that is not a count is not reported, and a warning names the server (never silently ignored)', async () => {
    const servers: TransportServer[] = [
      { name: 'negative', start: () => undefined, stop: () => ({ abandoned: -1 }) },
      { name: 'text', start: () => undefined, stop: () => Promise.resolve({ abandoned: 'two' }) },
    ];
    const vk = virtualKernel({ servers });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(true);
    for (const event of stopEvents(vk)) expect('report' in event).toBe(false);
    const warnings = vk.logs.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(
      'Server "negative" stopped, but the report its stop() resolved with was ignored',
    );
    expect(warnings[0]).toContain('not an integer >= 0');
    expect(warnings[1]).toContain('Server "text"');
  });

  it('a stop abandoned after the grace has no report, even if it resolves with one later', async () => {
    const stuck = fakeServer({
      name: 'stuck',
      stop: { hangs: true, onAbort: 'ignore' },
      stopReport: { abandoned: 9 },
    });
    const vk = virtualKernel({ options: { name: 'svc', stopTimeout: 1_000 }, servers: [stuck] });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result.ok).toBe(false);
    expect(stopEvents(vk)).toMatchObject([{ server: 'stuck', status: 'abandoned' }]);
    expect('report' in (stopEvents(vk)[0] ?? {})).toBe(false);
  });
});
