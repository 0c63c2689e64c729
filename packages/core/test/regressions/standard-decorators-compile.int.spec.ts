import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A project with TC39 standard decorators (`experimentalDecorators` off, the default of a new
// tsconfig) got TypeScript errors on every hook ("TS1241: Unable to resolve signature of method
// decorator"), so the user never saw what to change. The fixture is such a project: the real tsc
// compiles it against the built package's types, and the real node runs it against the built
// package (npm test builds first). It must compile, and fail with our coded error.

const fixture = fileURLToPath(new URL('../fixtures/standard-decorators', import.meta.url));
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const outDir = mkdtempSync(join(tmpdir(), 'kratos-standard-decorators-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('a project compiled with TC39 standard decorators', () => {
  it('compiles with tsc, and running it fails with KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED', () => {
    const compiled = spawnSync(process.execPath, [tsc, '-p', fixture, '--outDir', outDir], {
      encoding: 'utf8',
    });
    expect({ status: compiled.status, output: compiled.stdout + compiled.stderr }).toEqual({
      status: 0,
      output: '',
    });

    // The compiled files find @kratos-ts/core, inversify and reflect-metadata as a user's would.
    writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
    symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
    const run = spawnSync(process.execPath, [join(outDir, 'main.js')], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(run.status).toBe(1);
    const printed = JSON.parse(run.stdout.trim()) as { name: string; code: string; message: string };
    expect(printed).toMatchObject({ name: 'KratosError', code: 'KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED' });
    expect(printed.message).toContain('@BeforeStop() on method flush');
    expect(printed.message).toContain('"experimentalDecorators": true');
    expect(printed.message).toContain('"emitDecoratorMetadata": true');
  });
});
