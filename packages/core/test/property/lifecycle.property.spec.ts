import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { FakeStep } from '../support/fake-server.js';
import { KernelHarness, type RunResult } from '../support/kernel-harness.js';

const step = (maxMs: number): fc.Arbitrary<FakeStep & { failMessage?: string }> =>
  fc
    .record(
      {
        ms: fc.integer({ min: 0, max: maxMs }),
        fails: fc.boolean(),
        hangs: fc.boolean(),
        onAbort: fc.constantFrom('reject' as const, 'resolve' as const, 'ignore' as const),
      },
      { requiredKeys: ['ms', 'onAbort'] },
    )
    .map(({ ms, fails, hangs, onAbort }) => ({
      ms,
      onAbort,
      ...(hangs ? { hangs: true } : {}),
      ...(fails && !hangs ? { fails: new Error(`injected ${Math.random()}`) } : {}),
    }));

const scenario = fc.record({
  servers: fc.array(
    fc.record({
      start: step(3_000),
      stop: step(3_000),
      startTimeout: fc.integer({ min: 1, max: 4_000 }),
      stopTimeout: fc.integer({ min: 1, max: 4_000 }),
    }),
    { minLength: 0, maxLength: 5 },
  ),
  registrars: fc.array(fc.record({ register: step(1_500), deregister: step(1_500) }), { maxLength: 2 }),
  trigger: fc.oneof(
    fc.record({ kind: fc.constant('signal' as const), at: fc.integer({ min: 0, max: 8_000 }) }),
    fc.record({ kind: fc.constant('stop' as const), at: fc.integer({ min: 0, max: 8_000 }) }),
  ),
  drainDelay: fc.integer({ min: 0, max: 500 }),
});

/** Every error in a rejection, nested ones included. */
function flatten(error: unknown): unknown[] {
  const nested = (error as { errors?: unknown[] }).errors ?? [];
  const cause = (error as { cause?: unknown }).cause;
  return [error, ...(cause === undefined ? [] : [cause]), ...nested.flatMap(flatten)];
}

describe('lifecycle properties (virtual time)', () => {
  it('holds its invariants for random servers, faults and stop instants', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (spec) => {
        const h = new KernelHarness({
          options: {
            name: 'prop',
            registrarTimeout: 1_000,
            drainDelay: spec.drainDelay,
            signals: ['SIGTERM'],
          },
          servers: spec.servers.map((s, i) => ({ name: `s${i}`, ...s })),
          registrars: spec.registrars.map((r, i) => ({ name: `r${i}`, ...r })),
        });
        let settled = false;
        const run = h
          .run(() =>
            h.at(spec.trigger.at, () =>
              spec.trigger.kind === 'signal' ? h.signals.next('SIGTERM') : void h.kernel.stop(),
            ),
          )
          .finally(() => (settled = true));
        await new Promise((resolve) => setImmediate(resolve));
        // run() always settles (within the virtual-time flush).
        expect(settled).toBe(true);
        const result: RunResult = await run;
        expect(['stopped', 'failed']).toContain(h.kernel.state);
        expect(result.ok).toBe(h.kernel.state === 'stopped');

        const registerTimes = h.timeline
          .filter((l) => / r\d+ register$/.test(l))
          .map((l) => Number(l.split(' ')[0]));
        const allStarted = h.servers.every((s) => h.timeOf(`${s.name} start resolved`) >= 0);
        for (const server of h.servers) {
          const resolvedAt = h.timeOf(`${server.name} start resolved`);
          if (resolvedAt >= 0) {
            // Every server whose start resolved is stopped exactly once, never before its start settled.
            expect(server.stops).toHaveLength(1);
            expect(server.stops[0]).toBeGreaterThanOrEqual(resolvedAt);
            // Registration happens only after every start resolved.
            for (const t of registerTimes) expect(t).toBeGreaterThanOrEqual(resolvedAt);
          } else {
            expect(server.stops).toHaveLength(0);
          }
        }
        if (registerTimes.length > 0) expect(allStarted).toBe(true);
        // A registration that happened (or may have) is undone.
        for (const registrar of h.registrars) {
          if (
            registrar.calls.includes('register') &&
            !h.timeline.some((l) => l.endsWith(`${registrar.name} register rejected`))
          ) {
            expect(registrar.calls).toContain('deregister');
          }
          if (
            !h.timeline.some(
              (l) =>
                l.endsWith(`${registrar.name} deregister aborted`) ||
                l.endsWith(`${registrar.name} deregister rejected`),
            )
          ) {
            expect(registrar.registered.size).toBe(0);
          }
        }
        // Every injected error that fired on its own surfaces in the rejection.
        const surfaced = result.ok ? [] : flatten(result.error);
        const abandonedStarts = h.events.flatMap((e) =>
          e.type === 'server-start' && e.status === 'abandoned' ? [e.server] : [],
        );
        const fired = [
          ...h.servers.flatMap((s) => [
            [s.name + ' start', s.startStep],
            [s.name + ' stop', s.stopStep],
          ]),
          ...h.registrars.flatMap((r) => [
            [r.name + ' register', r.registerStep],
            [r.name + ' deregister', r.deregisterStep],
          ]),
        ] as [string, FakeStep][];
        for (const [what, fake] of fired) {
          const rejectedAt = h.timeOf(`${what} rejected`);
          const abortedAt = h.timeOf(`${what} aborted`);
          // A server abandoned while starting (run() reports KRATOS_START_ABANDONED for it) that
          // finishes starting later is stopped on its own; that stop's error is only logged.
          const afterSettle = abandonedStarts.some((name) => what === `${name} stop`);
          if (fake.fails && rejectedAt >= 0 && (abortedAt < 0 || abortedAt > rejectedAt) && !afterSettle) {
            expect(surfaced).toContain(fake.fails);
          }
        }
        expect(h.listening).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
