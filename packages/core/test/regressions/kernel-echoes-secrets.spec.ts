import { describe, expect, it } from '@jest/globals';
import { lifecycleTrace } from '@kratos-ts/core';
import { fakeServer, recordingRegistrar, virtualKernel } from '@kratos-ts/testing';

// Issue 17: a password in a URL that a registrar or a server puts in its error (a third-party
// registrar echoing `http://user:pw@host`) was printed verbatim in the kernel's error log line, in
// run()'s error message and in the trace. Every text the kernel builds from a cause is redacted.
const SECRET = 'hunter2-kernel';
const leaky = (what: string): Error =>
  new Error(`${what} at http://root:${SECRET}@10.0.0.7:2379?token=${SECRET}x`);

describe('defect: the kernel echoes secrets from the errors it reports', () => {
  it('a failed registration: no secret in any log line, in run()’s error or in the trace', async () => {
    const vk = virtualKernel({
      options: { name: 'test', registrarTimeout: 2_000 },
      servers: [fakeServer({ name: 'http' })],
      registrars: [
        recordingRegistrar({ name: 'third-party', register: { fails: leaky('registry refused') } }),
      ],
    });
    const trace = lifecycleTrace(vk.kernel, { now: () => vk.scheduler.now(), pid: 1 });
    const result = await vk.run();

    expect(result.ok).toBe(false);
    if (result.ok) return;
    const texts = [
      result.error.message,
      ...vk.logs.map((record) => record.msg),
      JSON.stringify(trace.document()),
    ];
    expect(texts.join('\n')).toContain('http://***@10.0.0.7:2379');
    expect(texts.filter((text) => text.includes(SECRET))).toEqual([]);
  });

  it('a failed start, stop and deregistration at once: the listed causes are redacted too', async () => {
    const vk = virtualKernel({
      options: { name: 'test' },
      servers: [fakeServer({ name: 'http', stop: { fails: leaky('stop broke') } })],
      registrars: [recordingRegistrar({ name: 'third-party', deregister: { fails: leaky('gone') } })],
    });
    const trace = lifecycleTrace(vk.kernel, { now: () => vk.scheduler.now(), pid: 1 });
    const result = await vk.run(() => vk.signalAt(100));

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('KRATOS_LIFECYCLE_FAILED');
    const texts = [
      result.error.message,
      ...vk.logs.map((record) => record.msg),
      JSON.stringify(trace.document()),
    ];
    expect(texts.join('\n')).toContain('***');
    expect(texts.filter((text) => text.includes(SECRET))).toEqual([]);
  });
});
