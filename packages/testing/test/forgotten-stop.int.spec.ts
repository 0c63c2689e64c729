import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The repository's jest setup, pointed at the fixtures. */
const config = {
  rootDir: root,
  roots: ['<rootDir>/packages/testing/test/fixtures'],
  testMatch: ['**/*.fixture.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  setupFiles: ['reflect-metadata'],
  moduleNameMapper: {
    '^@kratos-ts/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.base.json' }] },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
};

interface JestRun {
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
}

/** Runs jest in band over the fixtures; a hung run is killed after `limitMs`. */
function runJest(limitMs: number): Promise<JestRun> {
  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      `${root}node_modules/jest/bin/jest.js`,
      '--config',
      JSON.stringify(config),
      '--runInBand',
      '--ci',
    ],
    { cwd: root, env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output, ms: Date.now() - startedAt });
    }),
  );
}

describe('a test file that forgets stop()', () => {
  it('gets a clear report and the run ends, instead of hanging on the running servers', async () => {
    const run = await runJest(50_000);

    expect(run.code).toBe(1); // not null: it exited by itself
    // Started in a test: the file fails, naming the app, the test and the line.
    expect(run.output).toContain('forgot-in-test.fixture.ts');
    expect(run.output).toMatch(
      /"forgotten" started in test "a file that forgets to stop starts an app and never stops it" at \S*forgot-in-test\.fixture\.ts:17:/,
    );
    expect(run.output).toContain('afterEach(() => app.stop())');
    // Started in beforeAll and never stopped: reported on stderr once the file is over, and stopped.
    expect(run.output).toContain(
      'KRATOS_TESTING_NOT_STOPPED: 1 test app was still running 2000 ms after its test file ended; stopped now',
    );
    expect(run.output).toContain('"shared" started outside any test');
    expect(run.output).toMatch(/Tests:\s+2 passed, 2 total/);
  }, 60_000);
});
