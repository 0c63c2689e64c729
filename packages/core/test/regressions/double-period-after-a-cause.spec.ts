import { describe, expect, it } from '@jest/globals';
import {
  fakeHook,
  fakeServer,
  recordingRegistrar,
  virtualKernel,
  type VirtualKernel,
} from '@kratos-ts/testing';
import { KratosError, type TransportServer } from '../../src/index.js';

// Issue 14 item 11: a failure message quoting its cause appended a period to it, and the cause, a
// KratosError of another package (every one ends with a period), had its own: `Server "http" failed
// to start: HTTP server "http" could not listen on 0.0.0.0:8000: the port is in use. Stop what holds
// it.. Every server that started was stopped…`. This sweeps the kernel's failure messages for `..`.

/** A cause as other packages build them: a KratosError, its message a sentence ending with a period. */
const cause = (what: string): KratosError =>
  new KratosError('KRATOS_SOMETHING', `${what} failed: the port is in use. Stop what holds it.`);

/** Every message a run produced: its error's, the errors it gathered, and the log lines. */
function messagesOf(vk: VirtualKernel, error: unknown): string[] {
  const messages: string[] = vk.logs.map((record) => record.msg);
  const visit = (value: unknown): void => {
    if (!(value instanceof Error)) return;
    messages.push(value.message);
    const errors = (value as { errors?: unknown }).errors;
    if (Array.isArray(errors)) errors.forEach(visit);
  };
  visit(error);
  return messages;
}

async function failedRun(vk: VirtualKernel, during?: (vk: VirtualKernel) => void): Promise<string[]> {
  const result = await vk.run(during);
  expect(result.ok).toBe(false);
  return messagesOf(vk, result.ok ? undefined : result.error);
}

describe('regression: ".." after a cause that ends with a period', () => {
  it('a server that fails to start', async () => {
    const vk = virtualKernel({ servers: [fakeServer({ name: 'http', start: cause('listen') })] });
    const messages = await failedRun(vk);
    expect(messages.some((message) => message.includes('failed to start'))).toBe(true);
    for (const message of messages) expect(message).not.toContain('..');
  });

  it('a server that fails to stop, and one that stops too late', async () => {
    const vk = virtualKernel({
      servers: [
        fakeServer({ name: 'a', stop: cause('close') }),
        { server: fakeServer({ name: 'b', stop: { ms: 50, fails: cause('close') } }), stopTimeout: 10 },
      ],
    });
    const messages = await failedRun(vk, () => vk.signalAt(100));
    expect(messages.some((message) => message.includes('failed to stop'))).toBe(true);
    for (const message of messages) expect(message).not.toContain('..');
  });

  it('hooks of every phase that throw', async () => {
    for (const phase of ['beforeStart', 'afterStart', 'beforeStop', 'afterStop'] as const) {
      const vk = virtualKernel({
        servers: [fakeServer({ name: 'http' })],
        hooks: [fakeHook(phase, `${phase}Hook`, cause(phase))],
      });
      const messages = await failedRun(vk, () => vk.signalAt(100));
      expect(messages.some((message) => message.includes(`${phase}Hook`))).toBe(true);
      for (const message of messages) expect(message).not.toContain('..');
    }
  });

  it('a registrar that fails to register or to deregister, and an endpoint that fails', async () => {
    const endpointFails: TransportServer = {
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      endpoint: () => Promise.reject(cause('endpoint')),
    };
    for (const vk of [
      virtualKernel({
        servers: [fakeServer({ name: 'http' })],
        registrars: [recordingRegistrar({ name: 'etcd', register: cause('register') })],
      }),
      virtualKernel({
        servers: [fakeServer({ name: 'http' })],
        registrars: [recordingRegistrar({ name: 'etcd', deregister: cause('deregister') })],
      }),
      virtualKernel({ servers: [{ server: endpointFails, name: 'http' }] }),
    ]) {
      // A failed deregistration is fatal or not by options: what matters is every message said.
      const result = await vk.run(() => vk.signalAt(100));
      const messages = messagesOf(vk, result.ok ? undefined : result.error);
      expect(messages.some((message) => message.includes('the port is in use'))).toBe(true);
      for (const message of messages) expect(message).not.toContain('..');
    }
  });
});
