import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../example/dist/main.js', import.meta.url));

/** When things happened to one instance, in ms since the fleet's clock started (`undefined`: not yet). */
export interface InstanceTimeline {
  spawned: number;
  registered?: number;
  running?: number;
  signalled?: number;
  deregistered?: number;
  listenerClosed?: number;
  exited?: number;
}

interface LogLine {
  readonly msg?: string;
  readonly state?: string;
  readonly phase?: string;
  readonly endpoints?: string[];
  readonly key?: string;
  readonly time?: number;
}

/**
 * One example greeter (`packages/example/dist/main.js`) in a child process on loopback with
 * OS-chosen ports, registered in etcd (or, without an etcd URL, in its in-memory registry), whose
 * JSON log lines give its timeline.
 */
export class ExampleInstance {
  readonly timeline: InstanceTimeline;
  readonly exited: Promise<number | null>;
  /** The instance's `AppInfo.id`, known once it registered. */
  id: string | undefined;
  /** Its registered endpoints, known once it started. */
  endpoints: readonly string[] = [];
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #epoch: number;
  readonly #output: string[] = [];
  #wake: (() => void)[] = [];

  readonly #registers: boolean;

  /**
   * Starts an instance registered in etcd at `etcdUrl` (`undefined`: in its in-memory registry,
   * as a consumer-only fleet runs); `epoch` is the `Date.now()` the timeline counts from; `env`
   * adds to or overrides the environment.
   */
  constructor(etcdUrl: string | undefined, epoch: number, env: Readonly<Record<string, string>> = {}) {
    this.#epoch = epoch;
    this.#registers = etcdUrl !== undefined;
    this.timeline = { spawned: Date.now() - epoch };
    this.#child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        HOST: '127.0.0.1',
        PORT: '0',
        GRPC_PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        ETCD_ENDPOINTS: etcdUrl ?? '',
        ...env,
      },
    });
    let buffered = '';
    this.#child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.#read(line);
      this.#notify();
    });
    this.#child.stderr.on('data', (chunk: Buffer) => this.#keep(chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.#child.on('exit', (code) => {
        this.timeline.exited = Date.now() - epoch;
        this.#notify();
        resolve(code);
      }),
    );
  }

  /** The child's pid. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * Resolves once its kernel is running (every server started: a consumer consumes) and, with
   * etcd, the instance is registered; rejects if it exits first.
   */
  async serving(timeoutMs = 20_000): Promise<void> {
    await this.#until(
      () =>
        (!this.#registers || this.timeline.registered !== undefined) && this.timeline.running !== undefined,
      timeoutMs,
    );
  }

  /** Sends `signal` (SIGTERM by default) and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.timeline.exited === undefined) {
      this.timeline.signalled = Date.now() - this.#epoch;
      this.#child.kill(signal);
    }
    return this.exited;
  }

  /** Kills the child if it still runs (clean-up after a failed test). */
  kill(): void {
    if (this.timeline.exited === undefined) this.#child.kill('SIGKILL');
  }

  /** The last lines the child wrote, for failure messages. */
  output(): string {
    return this.#output.join('\n');
  }

  #read(raw: string): void {
    this.#keep(raw);
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      return;
    }
    const at = (line.time ?? Date.now()) - this.#epoch;
    const msg = line.msg ?? '';
    if (line.phase === 'afterStart' && line.endpoints) this.endpoints = line.endpoints;
    if (line.state === 'running') this.timeline.running ??= at;
    if (msg.startsWith('Registered "')) {
      this.timeline.registered ??= at;
      this.id = line.key?.split('/').pop();
    }
    if (msg.startsWith('Deregistered "')) this.timeline.deregistered ??= at;
    if (msg.includes('closed its listener')) this.timeline.listenerClosed ??= at;
  }

  #keep(text: string): void {
    this.#output.push(text.trimEnd());
    if (this.#output.length > 40) this.#output.shift();
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    waiting.forEach((wake) => wake());
  }

  async #until(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.timeline.exited !== undefined) {
        throw new Error(`the example instance exited before it served:\n${this.output()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`the example instance did not serve within ${timeoutMs} ms:\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}
