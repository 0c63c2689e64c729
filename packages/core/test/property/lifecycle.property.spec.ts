import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  fakeServer,
  recordingRegistrar,
  virtualKernel,
  type FakeStep,
  type RunResult,
} from '@kratos-ts/testing';

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
        const servers = spec.servers.map((s, i) =>
          fakeServer({ name: `s${i}`, start: s.start, stop: s.stop }),
        );
        const registrars = spec.registrars.map((r, i) =>
          recordingRegistrar({ name: `r${i}`, register: r.register, deregister: r.deregister }),
        );
        const vk = virtualKernel({
          options: {
            name: 'prop',
            registrarTimeout: 1_000,
            drainDelay: spec.drainDelay,
            signals: ['SIGTERM'],
          },
          servers: servers.map((server, i) => ({
            server,
            startTimeout: spec.servers[i]!.startTimeout,
            stopTimeout: spec.servers[i]!.stopTimeout,
          })),
          registrars,
          // run() always settles, within a minute of virtual time: otherwise vk.run() rejects with
          // KRATOS_TESTING_STALLED (the kernel would wait forever, or past the horizon).
          horizon: 60_000,
        });
        const result: RunResult = await vk.run(() =>
          vk.at(spec.trigger.at, () =>
            spec.trigger.kind === 'signal' ? void vk.signals.emit('SIGTERM') : void vk.kernel.stop(),
          ),
        );
        expect(['stopped', 'failed']).toContain(vk.kernel.state);
        expect(result.ok).toBe(vk.kernel.state === 'stopped');

        const registerTimes = vk.timeline
          .filter((l) => / r\d+ register$/.test(l))
          .map((l) => Number(l.split(' ')[0]));
        const allStarted = servers.every((s) => vk.timeOf(`${s.name} start resolved`) >= 0);
        for (const server of servers) {
          const resolvedAt = vk.timeOf(`${server.name} start resolved`);
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
        for (const registrar of registrars) {
          const ops = registrar.calls.map((call) => call.op);
          if (
            ops.includes('register') &&
            !vk.timeline.some((l) => l.endsWith(`${registrar.name} register rejected`))
          ) {
            expect(ops).toContain('deregister');
          }
          if (
            !vk.timeline.some(
              (l) =>
                l.endsWith(`${registrar.name} deregister aborted`) ||
                l.endsWith(`${registrar.name} deregister rejected`),
            )
          ) {
            expect(registrar.registered.size).toBe(0);
          }
        }
        // Every injected error that fired on its own surfaces in the rejection; a failed
        // deregistration is not fatal: it surfaces in its event, and in the rejection if there is one.
        const surfaced = result.ok ? [] : flatten(result.error);
        const deregistrationErrors = vk.events.flatMap(({ event }) =>
          event.type === 'deregister' && event.error !== undefined ? flatten(event.error) : [],
        );
        const abandonedStarts = vk.events.flatMap(({ event }) =>
          event.type === 'server-start' && event.status === 'abandoned' ? [event.server] : [],
        );
        const fired: [string, FakeStep][] = [
          ...spec.servers.flatMap((s, i): [string, FakeStep][] => [
            [`s${i} start`, s.start],
            [`s${i} stop`, s.stop],
          ]),
          ...spec.registrars.flatMap((r, i): [string, FakeStep][] => [
            [`r${i} register`, r.register],
            [`r${i} deregister`, r.deregister],
          ]),
        ];
        for (const [what, fake] of fired) {
          const rejectedAt = vk.timeOf(`${what} rejected`);
          const abortedAt = vk.timeOf(`${what} aborted`);
          // A server abandoned while starting (run() reports KRATOS_START_ABANDONED for it) that
          // finishes starting later is stopped on its own; that stop's error is only logged.
          const afterSettle = abandonedStarts.some((name) => what === `${name} stop`);
          if (fake.fails && rejectedAt >= 0 && (abortedAt < 0 || abortedAt > rejectedAt) && !afterSettle) {
            if (what.endsWith(' deregister')) expect(deregistrationErrors).toContain(fake.fails);
            else expect(surfaced).toContain(fake.fails);
          }
        }
        expect(vk.signals.listening).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
