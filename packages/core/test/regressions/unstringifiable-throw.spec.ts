import { describe, expect, it } from '@jest/globals';
import {
  fakeServer,
  recordingLogger,
  recordingRegistrar,
  virtualKernel,
  type VirtualKernel,
} from '@kratos-ts/testing';
import { filter, firstValueFrom, throwError } from 'rxjs';
import { AppInfoHolder, LifecycleKernel, type KratosError, type NamedHook } from '../../src/index.js';
import { describeError, describeValue, hasMethods } from '../../src/internal.js';

// A thrown value that cannot be turned into a string (`throw Object.create(null)`, an object whose
// toString throws) made describing the failure throw: from a beforeStart hook the failure was
// swallowed and the app started and registered; from start() the kernel sat in `stopping` forever.
const nullPrototype = (): unknown => Object.create(null) as unknown;
const throwingToString = (): unknown => ({
  toString() {
    throw new Error('toString is broken');
  },
});

const failingHook = (thrown: () => unknown): NamedHook => ({
  phase: 'beforeStart',
  name: 'unprintable',
  run: () => {
    throw thrown();
  },
});

const states = (vk: VirtualKernel): string[] =>
  vk.events.flatMap(({ event }) => (event.type === 'state' ? [event.state] : []));

describe('a thrown value that cannot be turned into a string', () => {
  it.each([
    ['Object.create(null)', nullPrototype],
    ['an object whose toString throws', throwingToString],
  ])(
    'thrown by a beforeStart hook (%s), it fails the start: nothing starts or registers',
    async (_, thrown) => {
      const api = fakeServer({ name: 'api' });
      const mem = recordingRegistrar({ name: 'mem' });
      const vk = virtualKernel({ servers: [api], registrars: [mem], hooks: [failingHook(thrown)] });
      const result = await vk.run(() => vk.signalAt(1_000));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('KRATOS_HOOK_FAILED');
      expect(result.error.message).toContain('beforeStart hook "unprintable" failed');
      expect(api.starts).toEqual([]);
      expect(vk.linesWith('mem register')).toEqual([]);
      expect(states(vk)).not.toContain('running');
    },
  );

  it.each([
    ['Object.create(null)', nullPrototype],
    ['an object whose toString throws', throwingToString],
  ])(
    'rejected by start() (%s), it fails the start, the other server is stopped and run() settles',
    async (_, thrown) => {
      const api = fakeServer({ name: 'api', start: 5 });
      const broken = {
        name: 'broken',
        // A rejection with a value that is no Error is exactly the case under test.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        start: () => Promise.reject(thrown()),
        stop: () => undefined,
      };
      const vk = virtualKernel({ servers: [api, broken] });
      const result = await vk.run();
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('KRATOS_START_FAILED');
      expect(result.error.message).toContain('Server "broken" failed to start');
      expect(vk.kernel.state).toBe('failed');
    },
  );

  it('no phase lacks an error path: kernel code that throws is KRATOS_KERNEL_FAILED, and the stop still runs', async () => {
    // A part given to the kernel that throws where it may not: the AppInfo the summary line reads.
    class BrokenAppInfo extends AppInfoHolder {
      override toJSON(): never {
        throw Object.create(null) as Error;
      }
    }
    const api = fakeServer({ name: 'api' });
    const kernel = new LifecycleKernel({
      options: { name: 'broken-app-info', signals: [], uncaughtErrors: 'ignore' },
      app: new BrokenAppInfo({ name: 'broken-app-info' }),
      servers: [{ name: 'api', server: api }],
    });
    const error = await kernel.run().then(
      () => undefined,
      (failure: unknown) => failure as KratosError,
    );
    expect(error?.code).toBe('KRATOS_KERNEL_FAILED');
    expect(error?.message).toContain('during the transition to running');
    expect(api.stops).toHaveLength(1);
    expect(kernel.state).toBe('failed');
  });

  it('a signal source that errors is logged, not thrown: the app runs and stop() still stops it', async () => {
    const logger = recordingLogger();
    const api = fakeServer({ name: 'api' });
    const kernel = new LifecycleKernel({
      options: { name: 'broken-signals', uncaughtErrors: 'ignore' },
      servers: [{ name: 'api', server: api }],
      logger,
      signalSource: () => throwError(() => Object.create(null) as Error),
    });
    const running = firstValueFrom(kernel.state$.pipe(filter((state) => state === 'running')));
    const run = kernel.run();
    await running;
    await kernel.stop();
    await expect(run).resolves.toBeUndefined();
    expect(api.stops).toHaveLength(1);
    expect(logger.messages('error')).toEqual([
      'The signal source failed: [object Object], which cannot be turned into a string. Signals are no longer heard; stop the app with stop().',
    ]);
  });

  it('describeError, describeValue and hasMethods never throw, whatever the value', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('get trap');
        },
        getPrototypeOf: () => {
          throw new Error('getPrototypeOf trap');
        },
        has: () => {
          throw new Error('has trap');
        },
      },
    );
    const badMessage = new Error('x');
    Object.defineProperty(badMessage, 'message', {
      get: () => {
        throw new Error('message getter');
      },
    });
    for (const value of [
      nullPrototype(),
      throwingToString(),
      revoked.proxy,
      hostile,
      badMessage,
      Symbol('s'),
    ]) {
      expect(typeof describeError(value)).toBe('string');
      expect(typeof describeValue(value)).toBe('string');
      expect(hasMethods(value, ['start'])).toBe(false);
    }
    expect(describeError(nullPrototype())).toBe('[object Object], which cannot be turned into a string');
    expect(describeError(Symbol('s'))).toBe('Symbol(s)');
  });
});
