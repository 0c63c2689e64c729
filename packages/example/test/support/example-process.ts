import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** One pino log line of the example. */
export interface LogLine {
  msg: string;
  phase?: string;
  endpoints?: string[];
  state?: string;
}

/** The example service in a child process, with its JSON log lines. */
export class Example {
  readonly logs: LogLine[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  #waiting: (() => void)[] = [];

  /** Runs the built example (`dist/main.js`) on loopback with OS-chosen ports, plus `env`. */
  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [main], {
      env: { ...process.env, NODE_OPTIONS: '', HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', ...env },
    });
    let buffered = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.logs.push(JSON.parse(line) as LogLine);
      this.#waiting.forEach((wake) => wake());
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  async waitFor(test: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such log line; got ${JSON.stringify(this.logs)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.#waiting.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}
