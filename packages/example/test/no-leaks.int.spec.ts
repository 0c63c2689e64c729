import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// 300 start/stop cycles of a kernel with an HttpServer and a GrpcServer (127.0.0.1, port 0) in one
// process, from the built packages: fixtures/leak-cycles.mjs, in a child process because it needs
// `node --expose-gc`. Count-based: what is left after each cycle, not how long anything took.
const fixture = fileURLToPath(new URL('./fixtures/leak-cycles.mjs', import.meta.url));

interface Counts {
  [key: string]: number;
}

interface LeakReport {
  cycles: number;
  baseline: { resources: Counts; listeners: Counts };
  /** The cycles after which a resource or a process listener was left beyond the baseline. */
  leftovers: { cycle: number; resources?: Counts; listeners?: Counts }[];
  /** The most SIGTERM listeners seen while a kernel with the default signals was running. */
  signalListenersDuringRun: number;
  warnings: string[];
  heap: { from: number; bytesAtFrom: number; bytesAtEnd: number; growth: number };
}

function runFixture(): Promise<{ code: number | null; report: LeakReport; stderr: string }> {
  const child = spawn(process.execPath, ['--expose-gc', fixture], {
    env: { ...process.env, NODE_OPTIONS: '', CYCLES: '300' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      resolve({ code, report: (last.startsWith('{') ? JSON.parse(last) : {}) as LeakReport, stderr });
    }),
  );
}

describe('300 start/stop cycles of a kernel with an HttpServer and a GrpcServer', () => {
  it('leave no active resource or process listener after any cycle, no MaxListenersExceededWarning, and the heap after GC grows < 5 MB from cycle 50 to 300', async () => {
    const { code, report, stderr } = await runFixture();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(report.cycles).toBe(300);
    expect(report.leftovers).toEqual([]);
    // 9 cycles in 10 ran with the default signals: their listeners were there, and were removed.
    expect(report.signalListenersDuringRun).toBe((report.baseline.listeners.SIGTERM ?? 0) + 1);
    expect(report.warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    expect(report.heap.from).toBe(50);
    expect(report.heap.growth).toBeLessThan(5 * 1024 * 1024);
  }, 120_000);
});
