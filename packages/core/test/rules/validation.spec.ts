import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';
import { LifecycleKernel, type KratosOptions, type TransportServer } from '../../src/index.js';

describe('validation', () => {
  it('reports every problem at once in one KRATOS_INVALID_OPTIONS error, before anything starts', async () => {
    const started: string[] = [];
    const server = (name: string) => ({
      name,
      server: { start: () => started.push(name), stop: () => undefined },
    });
    const kernel = new LifecycleKernel({
      options: {
        name: '',
        stopTimeout: -1,
        startTimeout: Number.POSITIVE_INFINITY,
        hookTimeout: Number.NaN,
        drainDelay: -5,
        signals: ['SIGTERM', 'SIGBOGUS' as NodeJS.Signals, 'SIGKILL'],
        stopTimout: 5,
      } as KratosOptions,
      servers: [
        server('api'),
        server('api'),
        // What a JavaScript caller may pass: the run-time check must still catch it.
        { name: 'half', server: { start: () => undefined } as unknown as TransportServer },
      ],
      registrars: [
        { name: 'etcd', registrar: { register: async () => undefined, deregister: async () => undefined } },
      ],
    });
    const error = await kernel.run().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; errors: unknown[] },
    );
    expect(error?.code).toBe('KRATOS_INVALID_OPTIONS');
    const message = error?.message ?? '';
    for (const expected of [
      'unknown option "stopTimout"',
      'stopTimeout must be a finite number of milliseconds > 0, got -1',
      'startTimeout must be a finite number of milliseconds > 0, got Infinity',
      'hookTimeout must be a finite number of milliseconds > 0, got NaN',
      'drainDelay must be a finite number of milliseconds >= 0, got -5',
      'unknown signal "SIGBOGUS"',
      'SIGKILL cannot be caught',
      '2 servers are named "api"',
      'server "half" has no stop() method',
      'a registrar is bound ("etcd") but the app has no name',
    ]) {
      expect(message).toContain(expected);
    }
    expect(error?.errors).toHaveLength(10);
    expect(started).toEqual([]);
    expect(kernel.state).toBe('failed');
  });

  it('accepts the defaults and an empty signal list', async () => {
    const vk = virtualKernel({ options: { name: 'ok', signals: [] }, servers: [fakeServer({ name: 'a' })] });
    const result = await vk.run(() => vk.stopAt(10));
    expect(result).toEqual({ ok: true });
    expect(vk.signals.listening).toBeUndefined();
    expect(vk.timeline).toContain('0 signals on ');
  });

  it('rejects metadata that is not strings and endpoints that are not URLs', async () => {
    const kernel = new LifecycleKernel({
      options: { metadata: { region: 3 as unknown as string }, endpoints: ['not a url'] },
    });
    await expect(kernel.run()).rejects.toMatchObject({
      code: 'KRATOS_INVALID_OPTIONS',
      message: expect.stringContaining('metadata["region"] must be a string') as unknown,
    });
  });
});
