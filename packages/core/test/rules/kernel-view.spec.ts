import { describe, expect, it } from '@jest/globals';
import { TestScheduler } from 'rxjs/testing';
import {
  LifecycleKernel,
  type KernelView,
  type LifecycleState,
  type TransportServer,
} from '../../src/index.js';

const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function kernelWith(server: TransportServer, scheduler: TestScheduler): LifecycleKernel {
  return new LifecycleKernel({
    options: { name: 'view', signals: [] },
    servers: [{ name: 'probe', server }],
    scheduler,
    logger,
  });
}

describe('the kernel view handed to servers', () => {
  it('is handed over before start, and its state$ tells the server when readiness ends', async () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
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
    const kernel = kernelWith(server, scheduler);
    let settled!: Promise<void>;
    scheduler.run(() => {
      settled = kernel.run();
      scheduler.schedule(() => void kernel.stop(), 10);
    });
    await settled;
    expect(view?.app).toBe(kernel.app);
    expect(view?.logger).toBe(logger);
    expect(seen).toEqual(['starting', 'start while starting', 'running', 'stopping', 'stop', 'stopped']);
  });

  it('a throwing attachKernel fails that server start with the original cause, and nothing is left running', async () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const cause = new Error('probe wiring broke');
    const kernel = kernelWith(
      {
        attachKernel: () => {
          throw cause;
        },
        start: () => undefined,
        stop: () => undefined,
      },
      scheduler,
    );
    let settled!: Promise<unknown>;
    scheduler.run(() => {
      settled = kernel.run().catch((error: unknown) => error);
    });
    expect(await settled).toMatchObject({ code: 'KRATOS_START_FAILED', cause });
    expect(kernel.state).toBe('failed');
  });
});
