import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Issue 14: @kratos-ts/http's root entry loaded createHttpClient, hence undici and
// @kratos-ts/discovery, so a service that only serves paid for the client at every cold start.
// The built root bundle, imported in a child process, must load none of them.
describe('regression: a server-only service loads the client', () => {
  it('importing @kratos-ts/http (built dist) loads neither undici nor @kratos-ts/discovery nor the client', async () => {
    const bundle = fileURLToPath(new URL('../../../dist/index.bundle.js', import.meta.url));
    if (!existsSync(bundle)) {
      throw new Error('packages/http/dist is not built: run `npm run build` (npm test builds it)');
    }
    const fixture = fileURLToPath(new URL('../fixtures/serve-only.mjs', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'kratos-http-loads-'));
    const logFile = join(dir, 'loaded.txt');
    try {
      const { code, stdout, stderr } = await runNode([fixture, logFile]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout.trim()).toBe('ok');
      const loaded = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
      // The hook saw the import: the root bundle itself and core are in the list.
      expect(loaded).toContainEqual(expect.stringMatching(/packages\/http\/dist\/index\.bundle\.js$/));
      expect(loaded).toContainEqual(expect.stringMatching(/packages\/core\/dist\//));
      const client = loaded.filter(
        (url) =>
          /\/node_modules\/undici\//.test(url) ||
          /packages\/discovery\/dist\//.test(url) ||
          /packages\/http\/dist\/client/.test(url),
      );
      expect(client).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}
