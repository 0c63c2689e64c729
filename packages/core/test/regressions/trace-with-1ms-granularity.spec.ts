import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { NEVER, filter, firstValueFrom } from 'rxjs';
import { fakeHook, fakeServer, virtualKernel } from '@kratos-ts/testing';
import { LifecycleKernel, lifecycleTrace, type TraceEvent } from '../../src/index.js';

// KRATOS_TRACE took its step durations from the scheduler's Date-based clock: in a real run every
// hook lasted 0 µs and every server a whole number of milliseconds. Real runs now measure with
// performance.now(); virtual time keeps the scheduler's clock, exactly.

/** Holds the thread for `ms` (sub-millisecond): a step whose real duration is known. */
function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning on purpose
  }
}

const span = (events: readonly TraceEvent[], name: string): TraceEvent => {
  const found = events.find((event) => event.ph === 'X' && event.name === name);
  if (!found) throw new Error(`no span "${name}" in ${JSON.stringify(events.map((e) => e.name))}`);
  return found;
};

/**
 * Longer than the busy-wait it measures (the old clock gave hooks 0 µs), and within the whole run's
 * wall time (a unit error, ms taken for µs, would overshoot it): no fixed upper bound, which a
 * loaded machine that deschedules the test would break.
 */
function expectMeasured(event: TraceEvent, atLeastUs: number, runUs: number): number {
  expect(event.dur).toBeGreaterThan(atLeastUs);
  expect(event.dur).toBeLessThanOrEqual(runUs);
  return event.dur!;
}

describe('Kratos defect: a trace with 1 ms granularity', () => {
  it('a real run measures hooks and servers with a high-resolution clock', async () => {
    const server = {
      name: 'http',
      start: () => busyWait(0.3),
      stop: () => busyWait(0.25),
    };
    const kernel = new LifecycleKernel({
      options: {
        name: 'trace',
        beforeStart: [() => busyWait(0.2)],
        afterStop: [() => busyWait(0.2)],
      },
      servers: [{ name: 'http', server }],
      signalSource: () => NEVER,
    });
    const trace = lifecycleTrace(kernel, { measure: false });
    const began = performance.now();
    const run = kernel.run();
    // A run that ends before `running` fails the test with its error rather than waiting.
    await Promise.race([firstValueFrom(kernel.state$.pipe(filter((state) => state === 'running'))), run]);
    await kernel.stop();
    await run;
    const runUs = Math.ceil((performance.now() - began) * 1_000);

    const events = trace.document().traceEvents;
    const durations = [
      expectMeasured(span(events, 'beforeStart beforeStart[0]'), 100, runUs),
      expectMeasured(span(events, 'afterStop afterStop[0]'), 100, runUs),
      expectMeasured(span(events, 'start http'), 200, runUs),
      expectMeasured(span(events, 'stop http'), 150, runUs),
    ];
    // Whole milliseconds on the old clock, every one of them; on the high-resolution one, a span
    // lands on a whole millisecond by chance (1 in 1000): allow one.
    expect(durations.filter((dur) => dur % 1_000 !== 0).length).toBeGreaterThanOrEqual(3);
    // The spans sit on one timeline: the server started after the hook ended (to the rounding of
    // ts and dur to whole µs).
    const hook = span(events, 'beforeStart beforeStart[0]');
    expect(span(events, 'start http').ts).toBeGreaterThanOrEqual(hook.ts + hook.dur! - 1);
  });

  it('a virtual-time run keeps the scheduler clock: durations are its exact milliseconds', async () => {
    const vk = virtualKernel({
      servers: [fakeServer({ name: 'http', start: { ms: 50 }, stop: { ms: 30 } })],
      hooks: [fakeHook('beforeStart', 'migrate', { ms: 20 })],
    });
    const trace = lifecycleTrace(vk.kernel, { now: () => vk.now(), measure: false });
    await vk.run(() => vk.signalAt(1_000));
    const events = trace.document().traceEvents;
    expect(span(events, 'beforeStart migrate')).toMatchObject({ ts: 0, dur: 20_000 });
    expect(span(events, 'start http')).toMatchObject({ ts: 20_000, dur: 50_000 });
    expect(span(events, 'stop http')).toMatchObject({ ts: 1_000_000, dur: 30_000 });
  });
});
