import { describe, expect, it } from '@jest/globals';
import { recordingLogger } from '@kratos-ts/testing';
import { TestScheduler } from 'rxjs/testing';
import { closeWithin } from '../src/close-within.js';

// Virtual time: the bounds are 5 s; the test takes microseconds.
function virtual(): { scheduler: TestScheduler; flushUntil: (promise: Promise<unknown>) => Promise<void> } {
  const scheduler = new TestScheduler(() => undefined);
  // Outside run(), a TestScheduler stops at frame 750 unless told otherwise.
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  const flushUntil = async (promise: Promise<unknown>): Promise<void> => {
    let settled = false;
    void promise.finally(() => (settled = true));
    for (let i = 0; i < 100 && !settled; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      scheduler.flush();
    }
  };
  return { scheduler, flushUntil };
}

describe('closeWithin', () => {
  it('runs the steps in order, each within the bound, and reports the one that hung', async () => {
    const { scheduler, flushUntil } = virtual();
    const logger = recordingLogger(() => scheduler.now());
    const ran: string[] = [];
    const closing = closeWithin(
      [
        { name: 'clients', close: async () => void ran.push(`clients@${scheduler.now()}`) },
        {
          name: 'registry',
          close: () => (ran.push(`registry@${scheduler.now()}`), new Promise(() => undefined)),
        },
        { name: 'last', close: async () => void ran.push(`last@${scheduler.now()}`) },
      ],
      { timeoutMs: 5_000, timeoutName: 'CLOSE_TIMEOUT_MS', logger, scheduler },
    );
    await flushUntil(closing);

    expect(await closing).toEqual({ hung: ['registry'], failed: [] });
    expect(ran).toEqual(['clients@0', 'registry@0', 'last@5000']);
    expect(logger.records.filter((r) => r.level === 'warn')).toEqual([
      {
        at: 5_000,
        level: 'warn',
        msg: 'closing step "registry" did not finish within 5000 ms (CLOSE_TIMEOUT_MS); exiting without waiting for it',
        fields: { step: 'registry', timeoutMs: 5_000 },
      },
    ]);
  });

  it('logs a step that fails, and goes on', async () => {
    const { scheduler, flushUntil } = virtual();
    const logger = recordingLogger(() => scheduler.now());
    const broken = new Error('socket already closed');
    const closing = closeWithin(
      [
        { name: 'clients', close: () => Promise.reject(broken) },
        { name: 'registry', close: () => Promise.resolve() },
      ],
      { timeoutMs: 5_000, timeoutName: 'CLOSE_TIMEOUT_MS', logger, scheduler },
    );
    await flushUntil(closing);

    expect(await closing).toEqual({ hung: [], failed: ['clients'] });
    expect(logger.records).toEqual([
      {
        at: 0,
        level: 'error',
        msg: 'closing step "clients" failed: socket already closed',
        fields: { step: 'clients', err: broken },
      },
    ]);
  });

  it('takes a step that throws synchronously as a failure', async () => {
    const { scheduler, flushUntil } = virtual();
    const closing = closeWithin(
      [
        {
          name: 'sync',
          close: () => {
            throw new Error('boom');
          },
        },
      ],
      { timeoutMs: 5_000, timeoutName: 'CLOSE_TIMEOUT_MS', logger: recordingLogger(), scheduler },
    );
    await flushUntil(closing);

    expect(await closing).toEqual({ hung: [], failed: ['sync'] });
  });
});
