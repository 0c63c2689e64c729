import type { HttpClient } from '@kratos-ts/http/client';

/** What a `/hello` load sent and what came back, per node. */
export interface HelloTally {
  /** Requests handed to the client (`request()` calls): one attempt each, the client never retries. */
  sent: number;
  /** Answers per node (`http://127.0.0.1:PORT`) and status: each reached that node's server. */
  readonly answered: Map<string, Map<number, number>>;
  /** Requests that got no answer, with the client's message (none expected). */
  readonly failed: string[];
}

/** The answers `tally` counted from `node`, every status. */
export function answeredBy(tally: HelloTally, node: string): number {
  let total = 0;
  for (const count of tally.answered.get(node)?.values() ?? []) total += count;
  return total;
}

/** Every answer `tally` counted, every node and status. */
export function answeredInAll(tally: HelloTally): number {
  let total = 0;
  for (const node of tally.answered.keys()) total += answeredBy(tally, node);
  return total;
}

/**
 * Sends `GET /hello` from `workers` loops through `client` (a `discovery:///greeter` client made
 * with `retry: false`, so one call is one request to one node) until `signal` aborts, pausing
 * `pauseMs` after each; resolves with the tally once the last call in flight settled.
 */
export async function helloLoad(
  client: HttpClient,
  options: { readonly workers: number; readonly pauseMs: number; readonly signal: AbortSignal },
): Promise<HelloTally> {
  const tally: HelloTally = { sent: 0, answered: new Map(), failed: [] };
  const worker = async (): Promise<void> => {
    while (!options.signal.aborted) {
      tally.sent += 1;
      try {
        const res = await client.request({ method: 'GET', path: '/hello?name=prometheus' });
        const statuses = tally.answered.get(res.node) ?? new Map<number, number>();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        tally.answered.set(res.node, statuses);
      } catch (error) {
        tally.failed.push(error instanceof Error ? error.message : String(error));
      }
      if (options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  return tally;
}
