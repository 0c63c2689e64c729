import { describe, expect, it } from '@jest/globals';
import { recordingLogger, virtualKernel } from '@kratos-ts/testing';
import type { KernelView, LifecycleState, TransportServer } from '../../src/index.js';

const logger = recordingLogger();

const kernelWith = (server: TransportServer) =>
  virtualKernel({ options: { name: 'view', signals: [] }, servers: [{ name: 'probe', server }], logger });

describe('the kernel view handed to servers', () => {
  it('is handed over before start, and its state$ tells the server when readiness ends', async () => {
    const seen: string[] = [];
    let view: KernelView | undefined;
    const server: TransportServer = {
      attachKernel: (kernel) => {
        view = kernel;
        kernel.state$.subscribe((state: LifecycleState) => seen.push(state));
      },
      start: () => seen.push(`start while ${view?.state}`),
      stop: () => seen.push('stop'),
    };
    const vk = kernelWith(server);
    await vk.run(() => vk.stopAt(10));
    expect(view?.app).toBe(vk.kernel.app);
    // The app's logger, wrapped so that no log call throws (safeLogger): lines still reach it.
    expect(view?.logger).toBe(vk.kernel.logger);
    view?.logger.warn({ from: 'probe' }, 'through the view');
    expect(logger.messages('warn')).toContain('through the view');
    expect(seen).toEqual(['starting', 'start while starting', 'running', 'stopping', 'stop', 'stopped']);
  });

  it('a throwing attachKernel fails that server start with the original cause, and nothing is left running', async () => {
    const cause = new Error('probe wiring broke');
    const vk = kernelWith({
      attachKernel: () => {
        throw cause;
      },
      start: () => undefined,
      stop: () => undefined,
    });
    const result = await vk.run();
    expect(result).toMatchObject({ ok: false, error: { code: 'KRATOS_START_FAILED', cause } });
    expect(vk.kernel.state).toBe('failed');
  });
});
