import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A child process running a fixture, with its stdout JSON lines and its exit. */
export class ChildApp {
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  #waiters: { test: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];

  constructor(fixture: string, env: Record<string, string> = {}) {
    const path = fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url));
    this.child = spawn(process.execPath, [path], { env: { ...process.env, NODE_OPTIONS: '', ...env } });
    let buffered = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
        buffered = buffered.slice(newline + 1);
        this.lines.push(line);
        this.#waiters = this.#waiters.filter((w) => (w.test(line) ? (w.resolve(), false) : true));
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
  }

  /** Resolves at the first line (seen or to come) that passes `test`; rejects after `timeoutMs`. */
  waitFor(test: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no such line within ${timeoutMs} ms; got ${JSON.stringify(this.lines)}; stderr ${this.stderr}`,
            ),
          ),
        timeoutMs,
      );
      this.#waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Whether the process is still running after `ms` of real time. */
  async aliveAfter(ms: number): Promise<boolean> {
    const outcome = await Promise.race([
      this.exited.then(() => false),
      new Promise<true>((r) => setTimeout(() => r(true), ms)),
    ]);
    return outcome;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
