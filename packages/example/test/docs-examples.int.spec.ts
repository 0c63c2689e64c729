import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The examples in README.md and docs/getting-started.md are these compiled sources, run for real.
const root = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const codeAfter = (markdown: string, heading: string): string => {
  const text = readFileSync(root(markdown), 'utf8');
  const start = text.indexOf('```ts\n', text.indexOf(heading)) + '```ts\n'.length;
  return text.slice(start, text.indexOf('```', start));
};

class Run {
  readonly lines: string[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor(script: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [root(`packages/example/dist/docs/${script}`)], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    });
    let buffered = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  async waitFor(test: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(test);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no such line; got ${JSON.stringify(this.lines)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const runs: Run[] = [];
afterEach(() => runs.splice(0).forEach((run) => run.child.exitCode === null && run.child.kill('SIGKILL')));

describe('documentation examples', () => {
  it('README "Ten lines" and docs/getting-started.md show exactly the compiled sources', () => {
    const source = (name: string): string => readFileSync(root(`packages/example/src/docs/${name}`), 'utf8');
    expect(codeAfter('README.md', '## Ten lines')).toBe(source('ten-lines.ts'));
    expect(codeAfter('docs/getting-started.md', '## A service in one file')).toBe(
      source('getting-started.ts'),
    );
  });

  it('the ten-line service answers, reports readiness, drains on SIGTERM and exits 0', async () => {
    const run = new Run('ten-lines.js', { HOST: '127.0.0.1', PORT: '0' });
    runs.push(run);
    const summary = await run.waitFor((line) => line.includes(' running (id '));
    const port = /endpoints \[http:\/\/127\.0\.0\.1:(\d+)\]/.exec(summary)?.[1];
    expect(port).toMatch(/^\d+$/);
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(base)).text()).toBe('hello');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    await run.waitFor((line) => line.includes('"state":"stopping"'));
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect(await run.exited).toBe(0);
  });

  it('the getting-started service ticks with AppInfo, runs its BeforeStop hook and exits 0 on SIGTERM', async () => {
    const run = new Run('getting-started.js');
    runs.push(run);
    await run.waitFor((line) => line === 'hello world from greeter@1.0.0');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.lines).toContain('greeter is stopping');
  });
});
