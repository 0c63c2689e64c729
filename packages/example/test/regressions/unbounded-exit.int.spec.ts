import { afterEach, describe, expect, it } from '@jest/globals';
import { Example } from '../support/example-process.js';

// Issue 17: with etcd frozen, SIGTERM ended the lifecycle but the process did not exit: the etcd
// client's socket kept it alive until etcd came back (the example's app.close() had no bound).
// EXAMPLE_FAULT=close-hangs makes app.close() hang and hold a handle, as that client did.
const started: Example[] = [];
afterEach(() => started.splice(0).forEach((e) => e.child.exitCode === null && e.child.kill('SIGKILL')));

describe('defect: the example exit is unbounded', () => {
  it('exits within CLOSE_TIMEOUT_MS of a close step that hangs, with the code of the run, saying which step', async () => {
    const example = new Example({ EXAMPLE_FAULT: 'close-hangs', CLOSE_TIMEOUT_MS: '500' });
    started.push(example);
    await example.waitFor((l) => l.state === 'running');
    example.child.kill('SIGTERM');
    await example.waitFor((l) => l.state === 'stopped');
    const stoppedAt = Date.now();

    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      example.exited,
      new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), 5_000))),
    ]);
    clearTimeout(timer);

    expect(exited).toBe(0);
    // 500 ms of bound, plus what a busy machine adds.
    expect(Date.now() - stoppedAt).toBeLessThan(4_000);
    expect(example.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        step: 'app.close',
        msg: 'closing step "app.close" did not finish within 500 ms (CLOSE_TIMEOUT_MS); exiting without waiting for it',
      }),
    );
  });
});
