import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { FleetProcess } from './roll-fleet.js';

/** When things happened to one consumer process, in ms since the run's epoch. */
export interface ConsumerProcessTimeline {
  spawned: number;
  /** Its log said `"state":"running"`: every server started, the consumer consumes. */
  running?: number;
  signalled?: number;
  exited?: number;
}

/**
 * One consumer in a child process (the NestJS anchor) whose stdout is JSON lines; it counts as
 * running once a line has `"state":"running"`. Its stdout and stderr are kept (the last 60 lines)
 * for failure messages.
 */
export class ConsumerProcess implements FleetProcess {
  readonly timeline: ConsumerProcessTimeline;
  /** Resolves once the child exited: its exit code (`null`: it ended by a signal). */
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #epoch: number;
  readonly #output: string[] = [];
  readonly #label: string;

  /** Spawns `node script` with `env` over the current environment (NODE_OPTIONS cleared). */
  constructor(label: string, script: string, env: Readonly<Record<string, string>>, epoch: number) {
    this.#label = label;
    this.#epoch = epoch;
    this.timeline = { spawned: Date.now() - epoch };
    this.#child = spawn(process.execPath, [script], { env: { ...process.env, NODE_OPTIONS: '', ...env } });
    let buffered = '';
    this.#child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.#read(line);
    });
    this.#child.stderr.on('data', (chunk: Buffer) => this.#keep(chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.#child.once('exit', (code) => {
        this.timeline.exited = Date.now() - epoch;
        resolve(code);
      }),
    );
  }

  /** Resolves once the process is running; rejects if it exits first or after `timeoutMs`. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.timeline.running === undefined) {
      if (this.timeline.exited !== undefined)
        throw new Error(`${this.#label} exited before it ran:\n${this.output()}`);
      if (Date.now() > deadline)
        throw new Error(`${this.#label} was not running within ${timeoutMs} ms:\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends `signal` (unless it already exited) and resolves with its exit code (`null`: by a signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.timeline.exited === undefined && this.timeline.signalled === undefined) {
      this.timeline.signalled = Date.now() - this.#epoch;
      this.#child.kill(signal);
    } else if (this.timeline.exited === undefined) {
      this.#child.kill(signal);
    }
    return this.exited;
  }

  /** SIGKILL if it still runs (clean-up after a failure). */
  kill(): void {
    if (this.timeline.exited === undefined) this.#child.kill('SIGKILL');
  }

  /** The last lines it wrote. */
  output(): string {
    return this.#output.join('\n');
  }

  #read(line: string): void {
    this.#keep(line);
    if (this.timeline.running !== undefined || !line.includes('"running"')) return;
    try {
      if ((JSON.parse(line) as { state?: unknown }).state === 'running')
        this.timeline.running = Date.now() - this.#epoch;
    } catch {
      // not a JSON line
    }
  }

  #keep(text: string): void {
    this.#output.push(text.trimEnd());
    if (this.#output.length > 60) this.#output.shift();
  }
}
