import { performance } from 'node:perf_hooks';

/** One call the load made. */
export interface CallRecord {
  /** When the call began, in ms since the fleet's clock started. */
  readonly at: number;
  /** How long it took, in ms. */
  readonly latency: number;
  readonly ok: boolean;
  /** The instance that answered, or the error's message. */
  readonly outcome: string;
}

/** What `steadyLoad` takes. */
export interface LoadOptions {
  /** Calls in flight at once (each worker waits for its answer before the next call). */
  readonly workers: number;
  /** A pause after each call, in ms, so the load stays below saturation and latency means something. */
  readonly pauseMs: number;
  /** The `Date.now()` that `CallRecord.at` counts from. */
  readonly epoch: number;
  /** Ends the load: running calls finish, no new one begins. */
  readonly signal: AbortSignal;
}

/**
 * Runs `call` from `workers` loops until `signal` aborts and resolves with every call, in the
 * order they ended. Never rejects: a failed call is a record with `ok: false`.
 */
export async function steadyLoad(
  call: () => Promise<{ readonly instanceId: string }>,
  options: LoadOptions,
): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  const worker = async (): Promise<void> => {
    while (!options.signal.aborted) {
      const at = Date.now() - options.epoch;
      const began = performance.now();
      try {
        const answer = await call();
        records.push({ at, latency: performance.now() - began, ok: true, outcome: answer.instanceId });
      } catch (error) {
        const code = (error as { code?: unknown } | undefined)?.code;
        const message = error instanceof Error ? error.message : String(error);
        const outcome = typeof code === 'string' || typeof code === 'number' ? `${code} ${message}` : message;
        records.push({ at, latency: performance.now() - began, ok: false, outcome });
      }
      if (options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return records;
}

/** The `p`-th percentile (0–100) of `values`, nearest rank; `NaN` for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}
