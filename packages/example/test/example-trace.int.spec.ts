import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Example } from './support/example-process.js';

// KRATOS_TRACE=path.json: the built example writes its lifecycle as a Chrome trace once stopped.
// Its stdout is a pipe here, so its logs stay JSON lines (Example parses each one).

interface TraceEvent {
  name: string;
  cat: string;
  ph: 'X' | 'M';
  tid: number;
  dur?: number;
  args: Record<string, unknown>;
}

const started: Example[] = [];
const dirs: string[] = [];
afterEach(() => {
  started.splice(0).forEach((e) => e.child.exitCode === null && e.child.kill('SIGKILL'));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe('the example with KRATOS_TRACE', () => {
  it('writes a trace with a track and a start and stop span per server after a SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kratos-trace-'));
    dirs.push(dir);
    const file = join(dir, 'lifecycle.json');
    const example = new Example({ KRATOS_TRACE: file });
    started.push(example);
    await example.waitFor((l) => l.state === 'running');
    example.child.kill('SIGTERM');
    expect(await example.exited).toBe(0);
    expect(example.logs.some((l) => l.msg === `lifecycle trace written to ${file}`)).toBe(true);

    const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] };
    const tracks = new Map(
      trace.traceEvents.filter((e) => e.ph === 'M').map((e) => [e.args.name as string, e.tid]),
    );
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    for (const server of ['http', 'grpc']) {
      const tid = tracks.get(`server ${server}`);
      expect(tid).toBeDefined();
      expect(spans.filter((e) => e.tid === tid).map((e) => e.name)).toEqual([
        `start ${server}`,
        `stop ${server}`,
      ]);
    }
    expect(spans.filter((e) => e.cat === 'state').map((e) => e.name)).toEqual(
      expect.arrayContaining(['starting', 'running', 'stopping']),
    );
    // Measured with performance.now(), not Date.now(): the server steps are not whole milliseconds
    // (each one landing on a whole millisecond by chance: about 1 in 1000).
    const serverSteps = spans.filter((e) => e.cat === 'server');
    expect(serverSteps).toHaveLength(4);
    expect(serverSteps.filter((e) => e.dur! % 1_000 !== 0).length).toBeGreaterThanOrEqual(2);
  });
});
