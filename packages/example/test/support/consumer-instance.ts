import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** One JSON log line of the example (pino), as parsed. */
export type ConsumerLogLine = Readonly<Record<string, unknown>> & { readonly msg?: string };

/** How a child ended, and how long after the signal (`undefined`: no signal sent). */
export interface ConsumerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly afterSignalMs: number | undefined;
}

/**
 * One example greeter with its consumer (`AMQP_URL` or `NATS_URL` in `env`) in a child process:
 * loopback, OS-chosen HTTP port, no gRPC, in-memory registry, JSON logs kept whole. Every instance
 * is tracked so `killAllConsumerInstances()` can end whatever a failed test left running.
 */
export class ConsumerInstance {
  /** Every JSON line the instance logged, in order. */
  readonly lines: ConsumerLogLine[] = [];
  /** Resolves when the child exits. */
  readonly exited: Promise<ConsumerExit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #raw: string[] = [];
  #signalledAt: number | undefined;
  #done = false;
  #wake: (() => void)[] = [];

  constructor(env: Readonly<Record<string, string>>) {
    this.#child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        HOST: '127.0.0.1',
        PORT: '0',
        GRPC_PORT: 'off',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        ETCD_ENDPOINTS: '',
        ...env,
      },
    });
    live.add(this);
    let buffered = '';
    this.#child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.#read(line);
      this.#notify();
    });
    this.#child.stderr.on('data', (chunk: Buffer) => this.#keep(`stderr: ${chunk.toString()}`));
    this.exited = new Promise((resolve) =>
      this.#child.on('exit', (code, signal) => {
        this.#done = true;
        live.delete(this);
        this.#notify();
        const afterSignalMs = this.#signalledAt === undefined ? undefined : Date.now() - this.#signalledAt;
        resolve({ code, signal, afterSignalMs });
      }),
    );
  }

  /** The instance's `AppInfo.id` (from its "starting greeter@1.0.0 (id)" line), once logged. */
  get id(): string | undefined {
    for (const line of this.lines) {
      const found = /^starting \S+ \((.+)\)$/.exec(line.msg ?? '');
      if (found) return found[1];
    }
    return undefined;
  }

  /** True until the child exited. */
  get alive(): boolean {
    return !this.#done;
  }

  /** The child's pid. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves once the log says `"state":"running"` (every server, the consumer included, started). */
  async running(timeoutMs = 30_000): Promise<void> {
    await this.waitFor((line) => line.state === 'running', timeoutMs, '"state":"running"');
  }

  /** Resolves with the first line `test` accepts; rejects after `timeoutMs` or if the child exits first. */
  async waitFor(
    test: (line: ConsumerLogLine) => boolean,
    timeoutMs: number,
    what = 'the log line',
  ): Promise<ConsumerLogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(test);
      if (found) return found;
      if (this.#done) throw new Error(`the instance exited before it logged ${what}:\n${this.output()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`the instance did not log ${what} within ${timeoutMs} ms:\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Sends `signal` (SIGTERM by default) once and resolves with how the child ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ConsumerExit> {
    if (!this.#done && this.#signalledAt === undefined) {
      this.#signalledAt = Date.now();
      this.#child.kill(signal);
    }
    return this.exited;
  }

  /** SIGKILLs the child if it still runs (clean-up after a failed test). */
  kill(): void {
    if (!this.#done) this.#child.kill('SIGKILL');
  }

  /** The last lines the child wrote, for failure messages. */
  output(): string {
    return this.#raw.join('\n');
  }

  #read(raw: string): void {
    this.#keep(raw);
    try {
      const line = JSON.parse(raw) as unknown;
      if (line !== null && typeof line === 'object') this.lines.push(line as ConsumerLogLine);
    } catch {
      // not a JSON line: kept in output() only
    }
  }

  #keep(text: string): void {
    this.#raw.push(text.trimEnd());
    if (this.#raw.length > 60) this.#raw.shift();
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    waiting.forEach((wake) => wake());
  }
}

const live = new Set<ConsumerInstance>();

/** SIGKILLs every instance still running and waits for them to exit (afterAll, even after a failure). */
export async function killAllConsumerInstances(): Promise<void> {
  const running = [...live];
  running.forEach((instance) => instance.kill());
  await Promise.all(running.map((instance) => instance.exited));
}

/** Polls `condition` every 20 ms until it holds; throws after `timeoutMs` with `what()`. */
export async function pollUntil(
  condition: () => boolean,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what()} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
