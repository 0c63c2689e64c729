import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpClient, type HttpClient } from '@kratos-ts/http/client';
import { EtcdRegistry } from '@kratos-ts/registry-etcd';
import { PrometheusApi, type PromSeries } from '../../../bench/src/brokers/prometheus-api.js';
import {
  startPrometheus,
  type PrometheusProcess,
  type PrometheusTarget,
} from '../../../bench/src/brokers/prometheus-process.js';
import type { ExampleInstance } from '../../../bench/src/fleet/example-instance.js';
import { Fleet } from '../../../bench/src/fleet/fleet.js';
import { answeredBy, answeredInAll, helloLoad, type HelloTally } from './prometheus-load.js';

// Proof of issue 16: a real Prometheus (Debian's 2.42, on a free loopback port, its targets in a
// file it watches) scrapes the example's /metrics (METRICS=1) through a rolling restart under load.
// What Prometheus stored, read back with PromQL through its HTTP API, must show each old instance
// going not-ready while it is still scraped (it keeps serving /metrics through its drain), and
// count exactly the requests the load generator had answered, per instance.

const SCRAPE_MS = 250;
/** Long enough for several scrapes while the old instance drains (ready 0, /metrics still served). */
const DRAIN_DELAY_MS = 1_500;
const SIZE = 2;
/** A window that holds the whole test: range selectors over it return every raw sample. */
const WINDOW = '15m';

let prometheus: PrometheusProcess;
let api: PrometheusApi;
let fleet: Fleet;
let registry: EtcdRegistry;
let client: HttpClient;

/** The `host:port` of an instance's HTTP endpoint: Prometheus' `instance` label for it. */
function addressOf(instance: ExampleInstance): string {
  const endpoint = instance.endpoints.find((url) => url.startsWith('http://'));
  if (endpoint === undefined) throw new Error(`no http:// endpoint in ${instance.endpoints.join(', ')}`);
  return new URL(endpoint).host;
}

/** The instance's scrape target, labelled with its AppInfo.id as etcd lists it. */
async function targetOf(instance: ExampleInstance): Promise<PrometheusTarget> {
  const listed = (await registry.getService('greeter')).find((entry) =>
    entry.endpoints.includes(`http://${addressOf(instance)}`),
  );
  if (listed === undefined) throw new Error(`${addressOf(instance)} is not listed in etcd`);
  return { address: addressOf(instance), labels: { kratos_instance_id: listed.id } };
}

/** The one series of `series` whose `instance` label is `address`. */
function seriesOf(series: readonly PromSeries[], address: string): PromSeries {
  const found = series.filter((entry) => entry.labels.instance === address);
  if (found.length !== 1) {
    throw new Error(
      `${found.length} series for instance ${address}: ${JSON.stringify(series.map((s) => s.labels))}`,
    );
  }
  return found[0]!;
}

interface Run {
  readonly tally: HelloTally;
  readonly old: readonly ExampleInstance[];
  readonly fresh: readonly ExampleInstance[];
  readonly exitCodes: readonly (number | null)[];
  /** `kratos_instance_id` label of every target, by address. */
  readonly ids: ReadonlyMap<string, string>;
}
let run: Run;

beforeAll(async () => {
  prometheus = await startPrometheus({ scrapeIntervalMs: SCRAPE_MS });
  api = new PrometheusApi(prometheus.url);
  fleet = await Fleet.start({
    size: SIZE,
    env: { METRICS: '1', DRAIN_DELAY_MS: String(DRAIN_DELAY_MS), GRPC_PORT: 'off' },
  });
  registry = new EtcdRegistry({ hosts: [fleet.etcdUrl] });
  // No retry: one call is one request to one node, so what was sent is what the servers saw.
  client = createHttpClient({ target: 'discovery:///greeter', discovery: registry, retry: false });

  const ids = new Map<string, string>();
  const add = async (instance: ExampleInstance): Promise<void> => {
    const target = await targetOf(instance);
    ids.set(target.address, target.labels?.kratos_instance_id ?? '');
    prometheus.setTargets([...prometheus.targets, target]);
    await prometheus.waitForTargets(
      prometheus.targets.map((entry) => entry.address),
      { scraped: true, timeoutMs: 20_000 },
    );
  };
  const old = [...fleet.instances];
  for (const instance of old) await add(instance);

  const stopLoad = new AbortController();
  const load = helloLoad(client, { workers: 4, pauseMs: 2, signal: stopLoad.signal });
  const fresh: ExampleInstance[] = [];
  const exitCodes: (number | null)[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The rolling restart: start the new one, wait until it runs and Prometheus scrapes it,
    // SIGTERM the old one and wait for its exit; its target leaves the file only then.
    for (const instance of old) {
      const next = await fleet.add();
      fresh.push(next);
      await add(next);
      exitCodes.push(await fleet.remove(instance));
      prometheus.setTargets(prometheus.targets.filter((target) => target.address !== addressOf(instance)));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    stopLoad.abort();
  }
  const tally = await load;
  const loadEnded = Date.now() / 1000;
  // Every instance still running is scraped once more after the last answer, so that its count is final.
  for (const instance of fresh) {
    for (;;) {
      const samples = (await api.query(`kratos_lifecycle_ready{instance="${addressOf(instance)}"}[1m]`))[0]
        ?.samples;
      if ((samples?.at(-1)?.time ?? 0) > loadEnded + 0.05) break;
      if (Date.now() / 1000 > loadEnded + 10)
        throw new Error(`${addressOf(instance)} was not scraped after the load ended`);
      await new Promise((resolve) => setTimeout(resolve, SCRAPE_MS / 2));
    }
  }
  run = { tally, old, fresh, exitCodes, ids };
}, 120_000);

afterAll(async () => {
  await client?.close();
  await registry?.close();
  await fleet?.close();
  await prometheus?.dispose();
});

describe('a real Prometheus scraping the example (METRICS=1) through a rolling restart', () => {
  it('the load ran through the restart without a failed request, and every instance answered some', () => {
    const { tally, old, fresh, exitCodes } = run;
    expect(tally.failed).toEqual([]);
    expect(exitCodes).toEqual(old.map(() => 0));
    for (const instance of [...old, ...fresh]) {
      expect(answeredBy(tally, `http://${addressOf(instance)}`)).toBeGreaterThan(0);
    }
    expect(answeredInAll(tally)).toBe(tally.sent);
  });

  it('PromQL: exactly the old instances have a last ready sample of 0 after samples of 1; the new ones end at 1', async () => {
    const wentDown = await api.query(
      `last_over_time(kratos_lifecycle_ready{job="kratos"}[${WINDOW}]) == 0 and max_over_time(kratos_lifecycle_ready{job="kratos"}[${WINDOW}]) == 1`,
    );
    expect(wentDown.map((series) => series.labels.instance).sort()).toEqual(run.old.map(addressOf).sort());

    const stillUp = await api.query(`last_over_time(kratos_lifecycle_ready{job="kratos"}[${WINDOW}]) == 1`);
    expect(stillUp.map((series) => series.labels.instance).sort()).toEqual(run.fresh.map(addressOf).sort());
  });

  it('each old instance, raw samples: 1 while it ran, then 0 from its SIGTERM on, scraped while draining until its exit', async () => {
    const raw = await api.query(`kratos_lifecycle_ready{job="kratos"}[${WINDOW}]`);
    for (const instance of run.old) {
      const { samples } = seriesOf(raw, addressOf(instance));
      const values = samples.map((sample) => sample.value);
      const firstZero = values.indexOf(0);
      // 1 … 1 0 … 0: ready, then not ready for good.
      expect(firstZero).toBeGreaterThan(0);
      expect(values.slice(0, firstZero).every((value) => value === 1)).toBe(true);
      expect(values.slice(firstZero).every((value) => value === 0)).toBe(true);
      // The zeros were scraped between the SIGTERM and the exit (a scrape starts at its
      // timestamp; one begun just before the signal may be answered after it).
      const signalled = (fleet.epoch + instance.timeline.signalled!) / 1000;
      const exited = (fleet.epoch + instance.timeline.exited!) / 1000;
      const zeros = samples.slice(firstZero);
      expect(zeros[0]!.time).toBeGreaterThanOrEqual(signalled - SCRAPE_MS / 1000);
      expect(zeros.at(-1)!.time).toBeLessThanOrEqual(exited);
      // The drain delay alone holds several scrape intervals: /metrics was served through it.
      expect(zeros.length).toBeGreaterThanOrEqual(Math.floor(DRAIN_DELAY_MS / SCRAPE_MS / 2));
    }
  });

  it('request counts: per instance, the last http_server_request_duration_seconds_count equals what it answered; in all, what was sent', async () => {
    const perInstance = await api.query(
      `sum by (instance) (last_over_time(http_server_request_duration_seconds_count{job="kratos"}[${WINDOW}]))`,
    );
    if (perInstance.length === 0) {
      const names = await api.query(
        `count by (__name__) ({__name__=~"http_server_request_duration.*",job="kratos"})`,
      );
      throw new Error(
        `no http_server_request_duration_seconds_count series; the example exposed: ${JSON.stringify(names.map((s) => s.labels.__name__))}`,
      );
    }
    const counted = new Map(perInstance.map((series) => [series.labels.instance, series.samples[0]?.value]));
    const expected = new Map(
      [...run.old, ...run.fresh].map((instance) => [
        addressOf(instance),
        answeredBy(run.tally, `http://${addressOf(instance)}`),
      ]),
    );
    expect(counted).toEqual(expected);
    expect([...counted.values()].reduce((sum, value) => sum! + value!, 0)).toBe(run.tally.sent);
  });

  it('one identity: each target_info carries the service.instance.id etcd listed for that instance', async () => {
    const info = await api.query(`last_over_time(target_info{job="kratos"}[${WINDOW}])`);
    const ids = new Map(info.map((series) => [series.labels.instance, series.labels.service_instance_id]));
    expect(ids).toEqual(run.ids);
  });
});
