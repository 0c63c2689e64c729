import { performance } from 'node:perf_hooks';

/** The median of `rounds` samples taken by `sample` (after one warm-up sample). */
export async function median(rounds: number, sample: () => Promise<number>): Promise<number> {
  return (await medians(rounds, [sample]))[0] ?? Number.NaN;
}

/**
 * The medians of several samplers, taken in alternation (a, b, a, b …) so that drift in the
 * machine's load affects each of them alike.
 */
export async function medians(
  rounds: number,
  samplers: readonly (() => Promise<number>)[],
): Promise<number[]> {
  for (const sample of samplers) await sample();
  const samples = samplers.map((): number[] => []);
  for (let i = 0; i < rounds; i += 1) {
    for (const [j, sample] of samplers.entries()) {
      samples[j]?.push(await sample());
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a - b);
    return list[Math.floor(list.length / 2)] ?? Number.NaN;
  });
}

/** How long `work` takes, in ms. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

/**
 * A minor garbage collection, when `--expose-gc` is on (`npm run bench` sets it): call it between a
 * sample's untimed setup and its timed part, so that the timed part does not pay for scavenging
 * the young objects the setup just made (a container with thousands of bindings).
 */
export function collectYoungGarbage(): void {
  (globalThis as { gc?: (options?: { type?: 'minor' | 'major' }) => void }).gc?.({ type: 'minor' });
}
