import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertBuilt, publishedPackages, repoRoot } from './published-packages.js';

// The example in each published package's README (what npm shows) compiles, as a user's ES module
// project would compile it, against the built packages: the README cannot drift from the API.

const run = promisify(execFile);

describe('the README example of every published package', () => {
  it('type-checks against the built packages', async () => {
    const packages = publishedPackages();
    assertBuilt(packages);
    const project = mkdtempSync(join(tmpdir(), 'kratos-readme-examples-'));
    try {
      symlinkSync(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir');
      writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            types: ['node'],
            strict: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            noEmit: true,
          },
          include: ['*.ts'],
        }),
      );
      for (const pkg of packages) {
        const readme = readFileSync(join(pkg.path, 'README.md'), 'utf8');
        const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
        expect(blocks.length > 0 ? blocks.length : `packages/${pkg.dir}/README.md has no ts example`).toBe(1);
        writeFileSync(join(project, `${pkg.dir}.ts`), `export {};\n${blocks[0]}`);
      }
      const result = await run(
        process.execPath,
        [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project],
        {
          env: { ...process.env, NODE_OPTIONS: '' },
        },
      ).then(
        () => '',
        (error: unknown) => String((error as { stdout?: unknown }).stdout ?? error),
      );
      // tsc names `<dir>.ts(line,col)`: the example of packages/<dir>/README.md (one line lower).
      expect(result).toBe('');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
