import { describe, expect, it } from '@jest/globals';
import { fakeServer, virtualKernel } from '@kratos-ts/testing';
import type { Logger } from '../../src/index.js';

// A broken log destination: with `debug` throwing, one of three servers started, the kernel went
// to `stopping`, run() never settled and the started server was never stopped; with `info`
// throwing, run() and stop() threw.
const throwingAt = (...levels: (keyof Logger)[]): Logger => {
  const fail = (): never => {
    throw new Error('the log destination is gone');
  };
  const quiet = (): void => undefined;
  const logger: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
  for (const level of levels) (logger as unknown as Record<string, unknown>)[level] = fail;
  return logger;
};

describe('a logger that throws', () => {
  it('debug throwing: every server starts, the app runs and every server is stopped', async () => {
    const servers = ['a', 'b', 'c'].map((name) => fakeServer({ name, start: 10 }));
    const vk = virtualKernel({ servers, logger: throwingAt('debug') });
    const result = await vk.run(() => vk.signalAt(100));
    expect(result).toEqual({ ok: true });
    expect(servers.map((s) => s.stops)).toEqual([[100], [100], [100]]);
    expect(vk.timeOf('state running')).toBe(10);
  });

  it('info throwing: run() and stop() settle instead of throwing', async () => {
    const api = fakeServer({ name: 'api', start: 10 });
    const vk = virtualKernel({ servers: [api], logger: throwingAt('info') });
    let stopped: Promise<void> | undefined;
    const result = await vk.run(() =>
      vk.at(50, () => {
        stopped = vk.kernel.stop('test');
      }),
    );
    expect(result).toEqual({ ok: true });
    await expect(stopped).resolves.toBeUndefined();
    expect(api.stops).toEqual([50]);
  });

  it('every level throwing, failures included: run() rejects with the failure and the server is stopped', async () => {
    const api = fakeServer({ name: 'api', start: 5 });
    const broken = fakeServer({ name: 'broken', start: { ms: 10, fails: new Error('EADDRINUSE') } });
    const vk = virtualKernel({
      servers: [api, broken],
      logger: throwingAt('debug', 'info', 'warn', 'error', 'isLevelEnabled'),
    });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('KRATOS_START_FAILED');
    expect(api.stops).toEqual([10]);
  });

  it('hands servers the safe logger: a server logging through the kernel view never throws', async () => {
    const api = fakeServer({ name: 'api' });
    const vk = virtualKernel({ servers: [api], logger: throwingAt('error') });
    await vk.run(() => vk.signalAt(10));
    expect(() => api.kernel?.logger.error({}, 'from the server')).not.toThrow();
    expect(() => vk.kernel.logger.info('direct')).not.toThrow();
  });
});
