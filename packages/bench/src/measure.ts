import { performance } from 'node:perf_hooks';

/** The median of `rounds` samples taken by `sample` (after one warm-up sample). */
export async function median(rounds: number, sample: () => Promise<number>): Promise<number> {
  await sample();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) samples.push(await sample());
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

/** How long `work` takes, in ms. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}
