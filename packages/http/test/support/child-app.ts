import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A fixture app run in a child process (`node <fixture>`, no NODE_OPTIONS) that reports on stdout
 * one JSON object a line. Collects the lines and stderr, and knows when and how the child exited.
 */
export class ChildApp {
  /** Every stdout line so far, parsed. */
  readonly lines: Record<string, unknown>[] = [];
  /** Resolves with the exit code (`null` when killed by a signal) once the child exited. */
  readonly exited: Promise<number | null>;
  #stderr = '';
  #exitCode: number | null | undefined;
  #waiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => (this.#stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.#exitCode = code;
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(code);
      }),
    );
  }

  /** Spawns `node fixture` with `env` added to this process's environment. */
  static start(fixture: string, env: Record<string, string> = {}): ChildApp {
    return new ChildApp(
      spawn(process.execPath, [fixture], {
        env: { ...process.env, ...env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  /** What the child wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** `undefined` while the child runs, then its exit code. */
  get exitCode(): number | null | undefined {
    return this.#exitCode;
  }

  /** The first line that has `key`, waiting for it; rejects if the child exits first. */
  async line(key: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.lines.find((line) => key in line);
      if (found) return found;
      if (this.#exitCode !== undefined)
        throw new Error(`the fixture exited (${this.#exitCode}) before printing "${key}":\n${this.#stderr}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Kills the child if it still runs (for `afterEach`). */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined) this.child.kill('SIGKILL');
    await this.exited;
  }
}
