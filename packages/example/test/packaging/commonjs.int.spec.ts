import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  assertBuilt,
  exportTargets,
  publishedPackages,
  repoRoot,
  specifierOf,
} from './published-packages.js';

// CommonJS users (issue 14): every entry point of every published package loads with require() on
// Node >= 20.19 (Node requires an ES module that has no top-level await), a TypeScript CommonJS
// project (module: nodenext) compiles and runs against the built packages, and jest in CommonJS
// mode runs its tests with the config docs/getting-started.md gives. All in child processes,
// without this run's --experimental-vm-modules.

const run = promisify(execFile);
const env = { ...process.env, NODE_OPTIONS: '' };
const fixture = (path: string): string => join(repoRoot, 'packages/example/fixtures', path);

/** One export every entry point must have, loaded with require(). */
const KNOWN_EXPORT: Record<string, string> = {
  '@kratos-ts/core': 'LifecycleKernel',
  '@kratos-ts/core/internal': 'describeError',
  '@kratos-ts/testing': 'startTestApp',
  '@kratos-ts/discovery': 'parseTarget',
  '@kratos-ts/discovery/internal': 'filterProblems',
  '@kratos-ts/http': 'HttpServer',
  '@kratos-ts/http/client': 'createHttpClient',
  '@kratos-ts/grpc': 'GrpcServer',
  '@kratos-ts/registry-etcd': 'EtcdRegistry',
  '@kratos-ts/consumer': 'ConsumerServer',
  '@kratos-ts/amqp': 'AmqpConnection',
  '@kratos-ts/nats': 'NatsConnection',
  '@kratos-ts/telemetry': 'KratosTelemetry',
};

interface Required {
  readonly ok: boolean;
  readonly exportType?: string;
  readonly sameAsImport?: boolean;
  readonly code?: string;
  readonly message?: string;
}

/** require()s `specifier` from a .cjs file in a child process (resolved from packages/example/fixtures). */
async function requireInChild(specifier: string, exportName: string): Promise<Required> {
  const { stdout } = await run(
    process.execPath,
    [fixture('cjs-require/require-entry.cjs'), specifier, exportName],
    {
      env,
    },
  );
  return JSON.parse(stdout) as Required;
}

/** What a failed require() means, for the failure message. */
const explain = (specifier: string, result: Required): string =>
  result.code === 'ERR_REQUIRE_ASYNC_MODULE'
    ? `require('${specifier}') failed: its module graph has a top-level await, which require() cannot load (${result.message})`
    : `require('${specifier}') failed with ${result.code}: ${result.message}`;

describe('require() of every published entry point, from a .cjs file', () => {
  const packages = publishedPackages();
  const entryPoints = packages.flatMap((pkg) =>
    [...exportTargets(pkg.manifest).keys()].map((subpath) => specifierOf(pkg.manifest.name, subpath)),
  );

  beforeAll(() => assertBuilt(packages));

  it('knows an export of every entry point the packages declare', () => {
    expect(entryPoints.sort()).toEqual(Object.keys(KNOWN_EXPORT).sort());
  });

  it.each(Object.entries(KNOWN_EXPORT))(
    'require(%p) has %p, the same as import() gives',
    async (specifier, exportName) => {
      const result = await requireInChild(specifier, exportName);
      expect(result.ok ? result : explain(specifier, result)).toEqual({
        ok: true,
        exportType: 'function',
        sameAsImport: true,
      });
    },
  );

  it('fails, naming the cause, on an ES module with a top-level await (so the check above can fail)', async () => {
    const result = await requireInChild('./top-level-await.mjs', 'loaded');
    expect(result.ok).toBe(false);
    expect(explain('./top-level-await.mjs', result)).toMatch(/has a top-level await/);
  });
});

describe('a TypeScript CommonJS project (module: nodenext) against the built packages', () => {
  beforeAll(async () => {
    assertBuilt(publishedPackages());
    // The repo's tsc, with the fixture's tsconfig: type-checks our declarations (skipLibCheck off) too.
    await run(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', fixture('cjs-project')],
      {
        env,
      },
    ).catch((error: unknown) => {
      const { stdout } = error as { stdout?: unknown };
      const output = typeof stdout === 'string' ? stdout : error instanceof Error ? error.message : '';
      throw new Error(`tsc -p packages/example/fixtures/cjs-project failed:\n${output}`);
    });
  }, 120_000);

  it('compiles its imports to require()', () => {
    const main = readFileSync(fixture('cjs-project/dist/src/app.js'), 'utf8');
    expect(main).toContain('require("@kratos-ts/core")');
    expect(main).toContain('require("@kratos-ts/http")');
    expect(main).toContain('require("inversify")');
  });

  it('runs: the app starts on 127.0.0.1:0, answers on its endpoint and stops', async () => {
    const { stdout } = await run(process.execPath, [fixture('cjs-project/dist/src/main.js')], { env });
    const report = stdout.split('\n').find((line) => line.includes('"moduleSystem"'));
    expect(report === undefined ? stdout : JSON.parse(report)).toEqual({
      moduleSystem: 'object',
      status: 200,
      body: 'hello /ping from cjs-app',
      state: 'stopped',
    });
  }, 60_000);

  it('is the jest config docs/getting-started.md shows', () => {
    const docs = readFileSync(join(repoRoot, 'docs/getting-started.md'), 'utf8');
    const start = docs.indexOf('```js\n', docs.indexOf('### jest in CommonJS mode')) + '```js\n'.length;
    expect(docs.slice(start, docs.indexOf('```', start))).toBe(
      readFileSync(fixture('cjs-project/jest.config.cjs'), 'utf8'),
    );
  });

  it('passes its tests under jest in CommonJS mode, with the config of docs/getting-started.md', async () => {
    const jest = join(repoRoot, 'node_modules/jest/bin/jest.js');
    const result = await run(process.execPath, [jest, '--ci', '--colors=false'], {
      cwd: fixture('cjs-project'),
      env,
    }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code ?? -1, stderr: error.stderr ?? '' }),
    );
    expect(result.code === 0 ? result.stderr : `jest exited with ${result.code}:\n${result.stderr}`).toMatch(
      /Tests:\s+1 passed, 1 total/,
    );
  }, 120_000);
});
