import { describe, expect, it } from '@jest/globals';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';
import type { NamedHook } from '../../src/index.js';

// A hook or a server's start() that returned a thenable whose `then` throws (a broken promise
// library, a proxy) made the kernel's step runner throw instead of failing the step: the failure
// surfaced as the kernel's own KRATOS_KERNEL_FAILED, not as the step's coded error naming the step.
const brokenThenable = (): PromiseLike<void> => ({
  then() {
    throw new Error('then is broken');
  },
});

describe('a thenable whose then() throws', () => {
  it('returned by a beforeStart hook, it fails that hook (KRATOS_HOOK_FAILED): nothing starts or registers', async () => {
    const api = fakeServer({ name: 'api' });
    const mem = recordingRegistrar({ name: 'mem' });
    const hook: NamedHook = { phase: 'beforeStart', name: 'broken', run: brokenThenable };
    const vk = virtualKernel({ servers: [api], registrars: [mem], hooks: [hook] });
    const result = await vk.run(() => vk.signalAt(1_000));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_HOOK_FAILED');
    expect(result.error.message).toContain('beforeStart hook "broken" failed');
    expect(result.error.cause).toEqual(new Error('then is broken'));
    expect(api.starts).toEqual([]);
    expect(vk.linesWith('mem register')).toEqual([]);
  });

  it("returned by a server's start(), it fails that start (KRATOS_START_FAILED) and run() settles", async () => {
    const broken = { name: 'broken', start: brokenThenable, stop: () => undefined };
    const vk = virtualKernel({ servers: [broken] });
    const result = await vk.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_START_FAILED');
    expect(result.error.message).toContain('"broken"');
  });
});
