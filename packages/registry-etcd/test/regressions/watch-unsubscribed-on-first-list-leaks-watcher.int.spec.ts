import { describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { useEtcdSuite } from '../support/etcd-suite.js';

// Defect: a watch unsubscribed synchronously on its first list (firstValueFrom, take(1)) still
// created its etcd watcher right after, with nobody left to cancel it; etcd3 then kept
// re-establishing it after close(), forever, and the process never exited.

const suite = useEtcdSuite(5);

/** How many watchers etcd serves now, from its Prometheus metrics. */
async function etcdWatchers(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
  const line = text.split('\n').find((row) => row.startsWith('etcd_debugging_mvcc_watcher_total '));
  if (!line) throw new Error('etcd_debugging_mvcc_watcher_total is missing from etcd /metrics');
  return Number(line.split(' ')[1]);
}

describe('a watch unsubscribed on its first list', () => {
  it('leaves no etcd watcher behind', async () => {
    const registry = suite.newRegistry();
    expect(await firstValueFrom(registry.watch('leak-check'))).toEqual([]);
    // A second watch, held, shows the count is live; the wait lets a leaked watcher reach etcd.
    const held = registry.watch('leak-check-2').subscribe();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const watchers = await etcdWatchers(suite.etcd().url);
    held.unsubscribe();
    expect(watchers).toBe(1);
  });
});
