import { performance } from 'node:perf_hooks';
import { ConsumerServer } from '@kratos-ts/consumer';
import type { StopBenchQueue } from './stop-times.js';

/**
 * Msg/s of a `ConsumerServer` with a no-op handler draining `count` messages already on `target`:
 * from the call to `start()` to the last handler call (its ack is on its way then, as the bare
 * baselines' is when they count their last message). Stops the server, untimed.
 */
export async function oursThroughput(
  target: StopBenchQueue,
  count: number,
  prefetch: number,
): Promise<number> {
  let handled = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const server = new ConsumerServer({
    adapter: target.adapter,
    queue: target.queue,
    prefetch,
    handler: () => {
      handled += 1;
      if (handled === count) done();
    },
  });
  const startedAt = performance.now();
  await server.start(AbortSignal.timeout(10_000));
  await all;
  const elapsed = performance.now() - startedAt;
  await server.stop(AbortSignal.timeout(10_000));
  return (count / elapsed) * 1_000;
}
