import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import type { TransportServer } from '../../src/index.js';

const server = (name: string, endpoint: TransportServer['endpoint']): TransportServer => ({
  name,
  start: () => undefined,
  stop: () => undefined,
  ...(endpoint ? { endpoint } : {}),
});

/** Runs the servers until the app is running, then stops it; the kernel and run()'s error, if any. */
async function runUntilRunning(servers: TransportServer[]) {
  const vk = virtualKernel({ options: { name: 'endpoints', signals: [] }, servers });
  vk.kernel.state$.subscribe((state) => state === 'running' && void vk.kernel.stop());
  const result = await vk.run();
  return { kernel: vk.kernel, error: result.ok ? undefined : result.error };
}

describe('rule 5: endpoints', () => {
  it('takes strings, URLs and promises from endpoint(), in server order, and skips servers without one', async () => {
    const { kernel, error } = await runUntilRunning([
      server('a', () => 'http://127.0.0.1:1'),
      server('b', () => Promise.resolve(new URL('grpc://127.0.0.1:2'))),
      server('c', undefined),
      server('d', () => undefined),
    ]);
    expect(error).toBeUndefined();
    expect(kernel.app.endpoints).toEqual(['http://127.0.0.1:1', 'grpc://127.0.0.1:2']);
  });

  it('a failing or malformed endpoint() fails the start with KRATOS_ENDPOINT_FAILED naming the server', async () => {
    const cause = new Error('not bound');
    const thrown = await runUntilRunning([server('a', () => Promise.reject(cause))]);
    expect(thrown.error).toMatchObject({ code: 'KRATOS_ENDPOINT_FAILED', cause });
    expect(thrown.error?.message).toContain('Server "a"');
    const malformed = await runUntilRunning([server('b', () => 'not a url')]);
    expect(malformed.error?.code).toBe('KRATOS_ENDPOINT_FAILED');
    expect(malformed.error?.message).toContain('"not a url", which is not a URL');
    expect(malformed.kernel.app.endpoints).toEqual([]);
  });

  it("a server without an endpoint (a consumer) is left out of AppInfo.endpoints; the instance registers with the others' endpoints", async () => {
    const registrar = recordingRegistrar({ name: 'etcd' });
    const vk = virtualKernel({
      options: { name: 'svc' },
      servers: [
        fakeServer({ name: 'consumer', endpoint: null }),
        server('http', () => 'http://127.0.0.1:8000'),
        server('queue', () => undefined),
      ],
      registrars: [registrar],
    });
    await vk.advanceTo(10);
    expect(vk.kernel.app.endpoints).toEqual(['http://127.0.0.1:8000']);
    expect([...registrar.registered.values()].map((i) => i.endpoints)).toEqual([['http://127.0.0.1:8000']]);
    await vk.run(() => vk.signalAt(20));
  });

  it('an app whose servers all have no endpoint still registers, with no endpoint', async () => {
    const registrar = recordingRegistrar({ name: 'etcd' });
    const vk = virtualKernel({
      options: { name: 'svc' },
      servers: [fakeServer({ name: 'consumer', endpoint: null })],
      registrars: [registrar],
    });
    await vk.advanceTo(10);
    expect(vk.kernel.state).toBe('running');
    expect(vk.kernel.app.endpoints).toEqual([]);
    expect([...registrar.registered.values()].map((i) => i.endpoints)).toEqual([[]]);
    const result = await vk.run(() => vk.signalAt(20));
    expect(result.ok).toBe(true);
  });
});
