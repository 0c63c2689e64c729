import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { PrometheusApi } from '../../src/brokers/prometheus-api.js';
import { startPrometheus, type PrometheusProcess } from '../../src/brokers/prometheus-process.js';
import { listeningAddresses, processesMatching, stillOnDisk } from './broker-probes.js';

// The Prometheus the telemetry proofs scrape the example with: a real `prometheus` 2.42 on a free
// loopback port with a temp dir, its targets in a file it watches (file_sd_configs).

/** A `/metrics` endpoint on 127.0.0.1 serving `demo_value{kind="k"} value`, value settable. */
async function exposition(
  kind: string,
): Promise<{ address: string; set(value: number): void; server: Server }> {
  let value = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE demo_value gauge\ndemo_value{kind="${kind}"} ${value}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { address: `127.0.0.1:${port}`, set: (next) => void (value = next), server };
}

let prometheus: PrometheusProcess;
let api: PrometheusApi;
let first: Awaited<ReturnType<typeof exposition>>;
let second: Awaited<ReturnType<typeof exposition>>;
beforeAll(async () => {
  [first, second] = await Promise.all([exposition('first'), exposition('second')]);
  prometheus = await startPrometheus({
    scrapeIntervalMs: 200,
    targets: [{ address: first.address, labels: { side: 'a' } }],
  });
  api = new PrometheusApi(prometheus.url);
});
afterAll(async () => {
  await prometheus?.dispose();
  first?.server.close();
  second?.server.close();
});

describe('startPrometheus()', () => {
  it('listens on loopback only, on its one web port', () => {
    expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listeningAddresses([prometheus.pid!])).toEqual([new URL(prometheus.url).host]);
  });

  it('scrapes its target at the scrape interval: raw samples with the instance and file_sd labels', async () => {
    first.set(7);
    await prometheus.waitForTargets([first.address], { scraped: true });
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const [series, ...others] = await api.query('demo_value[1m]');

    expect(others).toEqual([]);
    expect(series?.labels).toMatchObject({
      instance: first.address,
      job: 'kratos',
      side: 'a',
      kind: 'first',
    });
    const samples = series?.samples ?? [];
    expect(samples.at(-1)?.value).toBe(7);
    // ~1.5 s at 200 ms: several samples, spaced about one interval apart.
    expect(samples.length).toBeGreaterThanOrEqual(4);
    const gaps = samples.slice(1).map((sample, i) => sample.time - samples[i]!.time);
    for (const gap of gaps) expect(gap).toBeCloseTo(0.2, 1);
  });

  it('targets added and removed through file_sd, without a restart: the new one is scraped, the removed one no longer', async () => {
    const pid = prometheus.pid;
    second.set(3);
    prometheus.setTargets([...prometheus.targets, { address: second.address }]);
    await prometheus.waitForTargets([first.address, second.address], { scraped: true });
    expect((await api.query('demo_value{kind="second"}'))[0]?.samples[0]?.value).toBe(3);

    prometheus.setTargets([{ address: second.address }]);
    await prometheus.waitForTargets([second.address]);

    expect(prometheus.pid).toBe(pid);
    // Removed: its scrape loop ends (give it one interval), then it gets no sample any more.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const lastOf = async (kind: string): Promise<number | undefined> =>
      (await api.query(`demo_value{kind="${kind}"}[1m]`))[0]?.samples.at(-1)?.time;
    const [firstBefore, secondBefore] = [await lastOf('first'), await lastOf('second')];
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await lastOf('first')).toBe(firstBefore);
    expect(await lastOf('second')).toBeGreaterThan(secondBefore!);
  });

  it('a query_range steps through the window; bad PromQL rejects with Prometheus’ message', async () => {
    const now = Date.now() / 1000;
    const [series] = await api.queryRange('demo_value{kind="second"}', now - 2, now, 0.5);
    expect(series?.samples.length).toBeGreaterThanOrEqual(2);
    expect(series?.samples.every((sample) => sample.value === 3)).toBe(true);

    await expect(api.query('sum(')).rejects.toThrow(/bad_data.*sum\(/);
  });

  it('dispose() leaves no process and no dir', async () => {
    const other = await startPrometheus();
    expect(processesMatching(other.dir)).toHaveLength(1);

    await other.dispose();

    expect(processesMatching(other.dir)).toEqual([]);
    expect(stillOnDisk(other.dir)).toBe(false);
  });
});
