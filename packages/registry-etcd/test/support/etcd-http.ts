// Reads and writes etcd through its HTTP/JSON gateway (/v3/...), independently of the etcd3 client
// under test, so assertions see what etcd really holds.

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString();

async function call<T>(url: string, path: string, body: object): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`etcd ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** One key as etcd stores it. */
export interface StoredKey {
  readonly key: string;
  readonly value: string;
  /** The lease id (decimal), `'0'` or undefined when the key has no lease. */
  readonly lease: string | undefined;
}

/** The key, or `undefined` when etcd does not hold it. */
export async function getKey(url: string, key: string): Promise<StoredKey | undefined> {
  const all = await getPrefix(url, key, false);
  return all[0];
}

/** Every key under `prefix` (or exactly `prefix` when `asPrefix` is false). */
export async function getPrefix(url: string, prefix: string, asPrefix = true): Promise<StoredKey[]> {
  const rangeEnd = Buffer.from(prefix);
  rangeEnd[rangeEnd.length - 1] = (rangeEnd[rangeEnd.length - 1] ?? 0) + 1;
  const result = await call<{ kvs?: { key: string; value?: string; lease?: string }[] }>(
    url,
    '/v3/kv/range',
    {
      key: b64(prefix),
      ...(asPrefix ? { range_end: rangeEnd.toString('base64') } : {}),
    },
  );
  return (result.kvs ?? []).map((kv) => ({ key: unb64(kv.key), value: unb64(kv.value), lease: kv.lease }));
}

/** Puts a key without a lease, as another program would. */
export async function putKey(url: string, key: string, value: string): Promise<void> {
  await call(url, '/v3/kv/put', { key: b64(key), value: b64(value) });
}

/** Deletes a key. */
export async function deleteKey(url: string, key: string): Promise<void> {
  await call(url, '/v3/kv/deleterange', { key: b64(key) });
}

/** The remaining and granted TTL of a lease, in seconds (`ttl` is -1 once it expired or was revoked). */
export async function leaseTtl(url: string, id: string): Promise<{ ttl: number; grantedTtl: number }> {
  const result = await call<{ TTL?: string; grantedTTL?: string }>(url, '/v3/lease/timetolive', { ID: id });
  return { ttl: Number(result.TTL ?? -1), grantedTtl: Number(result.grantedTTL ?? 0) };
}

/** Revokes a lease out of band, as a partition longer than its TTL would end it. */
export async function revokeLease(url: string, id: string): Promise<void> {
  await call(url, '/v3/lease/revoke', { ID: id });
}

/** How many watchers etcd serves now (its `etcd_debugging_mvcc_watcher_total` gauge). */
export async function watcherCount(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  const line = (await response.text())
    .split('\n')
    .find((l) => l.startsWith('etcd_debugging_mvcc_watcher_total '));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** Polls `probe` every 50 ms until it returns true; resolves with the ms it took, rejects after `timeout`. */
export async function waitFor(probe: () => Promise<boolean>, timeout: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    let ok = false;
    try {
      ok = await probe();
    } catch {
      ok = false;
    }
    if (ok) return Date.now() - started;
    if (Date.now() - started > timeout) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
