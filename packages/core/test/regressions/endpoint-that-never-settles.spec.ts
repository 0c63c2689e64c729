import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import type { TransportServer } from '../../src/index.js';

// An async endpoint() that never settled (it awaited a metadata service that hung) kept the kernel
// in `starting` forever: endpoint resolution was the one step outside the step machinery, with no
// deadline and deaf to the start's abort, so a SIGTERM left it in `stopping`, stop() was never
// called and neither startTimeout nor stopTimeout ever applied.
const hangingEndpoint = (): Promise<string> => new Promise<string>(() => undefined);

describe('an endpoint() that never settles', () => {
  it('SIGTERM during it aborts the start: the started server is stopped and run() resolves', async () => {
    const api = fakeServer({ name: 'api', start: 10, endpoint: hangingEndpoint });
    const mem = recordingRegistrar({ name: 'mem' });
    const vk = virtualKernel({ options: { name: 'svc' }, servers: [api], registrars: [mem] });
    const result = await vk.run(() => vk.signalAt(500));
    expect(result).toEqual({ ok: true });
    expect(api.stops).toEqual([500]);
    expect(vk.kernel.state).toBe('stopped');
    expect(vk.linesWith('mem register')).toEqual([]);
    expect(vk.events.map(({ event }) => event.type)).toContain('endpoint');
  });

  it('is under the start deadline: at startTimeout the start fails with KRATOS_ENDPOINT_TIMEOUT and the server is stopped', async () => {
    const api = fakeServer({ name: 'api', start: 10, endpoint: hangingEndpoint });
    const vk = virtualKernel({ options: { name: 'svc', startTimeout: 3_000 }, servers: [api] });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_ENDPOINT_TIMEOUT');
    expect(result.error.message).toContain('Server "api"');
    expect(result.error.message).toContain('3000 ms (startTimeout)');
    expect(api.stops).toEqual([3_010]);
    expect(vk.kernel.state).toBe('failed');
  });

  it("each server's endpoint() gets a signal that aborts on a stop request", async () => {
    let endpointSignal: AbortSignal | undefined;
    const api: TransportServer = {
      name: 'api',
      start: () => undefined,
      stop: () => undefined,
      endpoint: (signal?: AbortSignal) => {
        endpointSignal = signal;
        return hangingEndpoint();
      },
    };
    const vk = virtualKernel({ options: { name: 'svc' }, servers: [api] });
    expect(await vk.run(() => vk.stopAt(100))).toEqual({ ok: true });
    expect(endpointSignal?.aborted).toBe(true);
  });
});
