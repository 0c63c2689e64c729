// Runs the fixture project packages/testing/fixtures/user-project with the repository's jest and
// vitest, in child processes, as its owner would from a shell. It resolves @kratos-ts/* through the
// root node_modules to the built packages (packages/*/dist): build first (`npm test` does).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** The fixture project's directory. */
export const userProject = fileURLToPath(new URL('../../fixtures/user-project/', import.meta.url));

/** How a runner ended: its exit code (`null`: killed after the limit) and stdout + stderr. */
export interface RunnerRun {
  readonly code: number | null;
  readonly output: string;
}

/** `NODE_OPTIONS=--experimental-vm-modules jest …` in the fixture, as its `test:jest` script runs it. */
export function runJest(args: readonly string[] = []): Promise<RunnerRun> {
  return run(join(repo, 'node_modules/.bin/jest'), ['--ci', ...args], '--experimental-vm-modules');
}

/** `vitest run …` in the fixture, as its `test:vitest` script runs it. */
export function runVitest(args: readonly string[] = []): Promise<RunnerRun> {
  return run(join(repo, 'node_modules/.bin/vitest'), ['run', ...args], '');
}

/** `tsc -p .` in the fixture: its sources against the built packages' declarations. */
export function runTsc(): Promise<RunnerRun> {
  return run(join(repo, 'node_modules/.bin/tsc'), ['-p', '.'], '');
}

/**
 * `vitest run …` with the config of a user who wrote none: vitest's defaults (no `globals`, no
 * setup file), its tests in `dir`. The config is written to a temp dir (vitest would find the
 * fixture's own vitest.config.ts from anywhere inside the fixture) and removed afterwards.
 */
export async function runBareVitest(dir: string, args: readonly string[] = []): Promise<RunnerRun> {
  const configDir = mkdtempSync(join(tmpdir(), 'kratos-vitest-'));
  const config = join(configDir, 'vitest.config.mjs');
  writeFileSync(config, `export default ${JSON.stringify({ root: userProject, test: { dir } })};\n`);
  try {
    return await runVitest(['--config', config, ...args]);
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

function run(
  bin: string,
  args: readonly string[],
  nodeOptions: string,
  limitMs = 50_000,
): Promise<RunnerRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: nodeOptions,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  // What the jest running this test set for itself must not reach the runner under test.
  for (const name of ['JEST_WORKER_ID', 'KRATOS_TESTING_NO_LEAK_CHECK']) delete env[name];
  const child = spawn(process.execPath, [bin, ...args], { cwd: userProject, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}
