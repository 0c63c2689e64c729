import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fleet/etcd-process.js';
import { requireCommand } from './find-command.js';

/** One scrape target: a `host:port` serving `/metrics`, with labels Prometheus adds to its series. */
export interface PrometheusTarget {
  /** `127.0.0.1:PORT` (Prometheus' `instance` label). */
  readonly address: string;
  /** Extra labels for every series scraped from it (`[a-zA-Z_][a-zA-Z0-9_]*` names). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What `startPrometheus` takes. */
export interface PrometheusOptions {
  /** How often every target is scraped, ms (also the scrape timeout). Default 250. */
  readonly scrapeIntervalMs?: number;
  /** The targets at start; change them with `setTargets` (file-based discovery, no restart). */
  readonly targets?: readonly PrometheusTarget[];
  /** The scrape job's name (the `job` label). Default `kratos`. */
  readonly job?: string;
}

/**
 * One Prometheus server (Debian's `prometheus`, 2.42) this test run started, on a free loopback
 * port with a temp dir for its config, its TSDB and its file-based service discovery. The same
 * shape as `NatsProcess` (./nats-process.ts).
 */
export interface PrometheusProcess {
  /** `http://127.0.0.1:PORT`: the HTTP API (`/api/v1/query`, `/api/v1/query_range`, `/api/v1/targets`). */
  readonly url: string;
  /** The scrape interval in ms. */
  readonly scrapeIntervalMs: number;
  /** The job name every target is scraped under. */
  readonly job: string;
  /** The temp dir: `prometheus.yml`, `targets.json` (file_sd) and `data/` (the TSDB). */
  readonly dir: string;
  /** The server's pid while it runs. */
  readonly pid: number | undefined;
  /** The targets written last. */
  readonly targets: readonly PrometheusTarget[];
  /**
   * Replaces the scrape targets: rewrites `targets.json` atomically (write, then rename), which
   * Prometheus' file discovery watches. Prometheus applies discovery changes at most every 5 s
   * (its discovery manager batches them): use `waitForTargets` to know when it has.
   */
  setTargets(targets: readonly PrometheusTarget[]): void;
  /**
   * Resolves once Prometheus' active targets are exactly `addresses` (and, with `scraped`, each
   * was scraped at least once); rejects after `timeoutMs` (default 15 s) naming what it saw.
   */
  waitForTargets(
    addresses: readonly string[],
    options?: { scraped?: boolean; timeoutMs?: number },
  ): Promise<void>;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes the temp dir. */
  dispose(): Promise<void>;
}

/** Shape of `/api/v1/targets`' active targets (only what is read here). */
interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapePool: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastScrape: string;
  readonly lastError: string;
}

/**
 * Starts `prometheus` on a free 127.0.0.1 port with a temp dir: one scrape job over a file-based
 * service discovery (`file_sd_configs`), so targets come and go during a rolling restart without
 * a restart or a reload; waits until `/-/ready` answers 200. Needs no privilege (tested as root
 * and as a user: it writes only in its temp dir).
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusProcess> {
  const command = requireCommand(
    'prometheus',
    'prometheus',
    'the Prometheus scrape tests (packages/example/test/telemetry)',
  );
  const scrapeIntervalMs = options.scrapeIntervalMs ?? 250;
  const job = options.job ?? 'kratos';
  if (!Number.isInteger(scrapeIntervalMs) || scrapeIntervalMs < 10) {
    throw new Error(`scrapeIntervalMs ${scrapeIntervalMs} must be a whole number of ms >= 10`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kratos-prometheus-'));
  const targetsFile = join(dir, 'targets.json');
  const configFile = join(dir, 'prometheus.yml');
  let targets: readonly PrometheusTarget[] = options.targets ?? [];
  const setTargets = (next: readonly PrometheusTarget[]): void => {
    targets = [...next];
    const groups = targets.map((target) => ({ targets: [target.address], labels: { ...target.labels } }));
    // Written beside and renamed: the watcher never reads a half-written file.
    const partial = `${targetsFile}.partial`;
    writeFileSync(partial, JSON.stringify(groups));
    renameSync(partial, targetsFile);
  };
  setTargets(targets);
  // JSON is YAML: no YAML writer needed.
  writeFileSync(
    configFile,
    JSON.stringify({
      global: { scrape_interval: `${scrapeIntervalMs}ms`, scrape_timeout: `${scrapeIntervalMs}ms` },
      scrape_configs: [
        { job_name: job, file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }] },
      ],
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  let output = '';
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;

  const stop = async (): Promise<void> => {
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  // A test process that dies or forgets dispose() takes its server and dir along.
  const onExit = (): void => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const dispose = async (): Promise<void> => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    process.off('exit', onExit);
  };

  try {
    await waitReady(url, child, () => output);
  } catch (error) {
    await dispose();
    throw error;
  }

  return {
    url,
    scrapeIntervalMs,
    job,
    dir,
    get pid() {
      return running() ? child.pid : undefined;
    },
    get targets() {
      return targets;
    },
    setTargets,
    waitForTargets: async (addresses, { scraped = false, timeoutMs = 15_000 } = {}) => {
      const wanted = [...addresses].sort();
      const deadline = Date.now() + timeoutMs;
      let seen: ActiveTarget[] = [];
      for (;;) {
        try {
          const response = await fetch(`${url}/api/v1/targets?state=active`, {
            signal: AbortSignal.timeout(2_000),
          });
          const body = (await response.json()) as { data?: { activeTargets?: ActiveTarget[] } };
          seen = (body.data?.activeTargets ?? []).filter((target) => target.scrapePool === job);
        } catch {
          // a slow answer: ask again
        }
        const active = seen.map((target) => target.labels.instance ?? '').sort();
        const done =
          active.length === wanted.length &&
          active.every((address, i) => address === wanted[i]) &&
          (!scraped || seen.every((target) => target.health === 'up'));
        if (done) return;
        if (Date.now() > deadline) {
          const state = seen
            .map(
              (target) =>
                `${target.labels.instance} ${target.health}${target.lastError ? ` (${target.lastError})` : ''}`,
            )
            .join(', ');
          throw new Error(
            `Prometheus' active targets did not become [${wanted.join(', ')}]${scraped ? ' (all up)' : ''} within ${timeoutMs} ms: [${state}]`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    dispose,
  };
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) at start: ${output()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`prometheus at ${url} was not ready within 20 s: ${output()}`);
}
