import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// docs/getting-started.md ("Decorators") says that code run by tsx or esbuild injects with an
// explicit @inject(Token), because neither emits decorator metadata. The fixture is compiled by the
// real esbuild (which reads experimentalDecorators from its tsconfig), and run by node against the
// built package (npm test builds first): with @inject it runs; by type alone, it fails with
// KRATOS_UNRESOLVABLE_CLASS, which says to use @inject.

const fixture = fileURLToPath(new URL('../fixtures/esbuild-injection', import.meta.url));
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const esbuild = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');
const outDir = mkdtempSync(join(tmpdir(), 'kratos-esbuild-injection-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function compile(): void {
  const files = ['main.ts', 'ticker-server.ts', 'without-inject.ts'].map((file) => join(fixture, file));
  const built = spawnSync(
    esbuild,
    [
      ...files,
      `--outdir=${outDir}`,
      '--format=esm',
      '--platform=node',
      '--target=node20',
      `--tsconfig=${join(fixture, 'tsconfig.json')}`,
      '--log-level=error',
    ],
    { encoding: 'utf8' },
  );
  expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: '' });
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
}

function run(...args: string[]): { status: number | null; lines: Record<string, unknown>[] } {
  const ran = spawnSync(process.execPath, [join(outDir, 'main.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const lines = ran.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: ran.status, lines };
}

describe('code compiled by esbuild (no decorator metadata)', () => {
  compile();

  it('esbuild emits no design:paramtypes metadata', () => {
    const emitted = readFileSync(join(outDir, 'ticker-server.js'), 'utf8');
    expect(emitted).toContain('__decorateParam');
    expect(emitted).not.toContain('design:paramtypes');
  });

  it('injecting with an explicit @inject(Token) runs', () => {
    expect(run()).toEqual({
      status: 0,
      lines: [{ greeting: 'hello esbuild' }, { stopped: true }],
    });
  });

  it('injecting by type alone fails with KRATOS_UNRESOLVABLE_CLASS, which says to use @inject', () => {
    const { status, lines } = run('without-inject');
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: 'KratosError', code: 'KRATOS_UNRESOLVABLE_CLASS' });
    expect(lines[0]!.message).toContain('Class TickerServer, listed in createKratosModule({ servers })');
    expect(lines[0]!.message).toContain('explicit @inject(Token)');
  });

  it('docs/getting-started.md "Decorators" shows the fixture as it is', () => {
    const text = readFileSync(join(root, 'docs/getting-started.md'), 'utf8');
    const heading = text.indexOf('\n## Decorators\n');
    expect(heading).toBeGreaterThan(0);
    const start = text.indexOf('```ts\n', heading) + '```ts\n'.length;
    expect(text.slice(start, text.indexOf('```', start))).toBe(
      readFileSync(join(fixture, 'ticker-server.ts'), 'utf8'),
    );
  });
});
