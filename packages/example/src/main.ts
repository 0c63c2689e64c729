import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

// `node dist/main.js` (`npm start`): the service from its bundle `dist/service.bundle.cjs` (every
// dependency inlined by scripts/bundle.mjs), compiled from V8's code cache
// `dist/service.bundle.cache` when this node accepts it: that skips parsing and compiling most of
// what a start runs (node 20 has no compile cache of its own). Without a bundle (tsc alone), the
// service from tsc's output; with --enable-source-maps, the bundle through require(), whose stack
// traces node maps back to the sources (no code cache then). See docs/performance.md.
//
// CODE_CACHE=write: compiles without the cache and writes a new one at exit (the build's training).
// CODE_CACHE=check: prints `accepted`, `rejected` or `absent` and exits without starting.
const bundle = fileURLToPath(new URL('./service.bundle.cjs', import.meta.url));
const cacheFile = bundle.replace(/\.cjs$/, '.cache');
const mode = process.env.CODE_CACHE;
delete process.env.CODE_CACHE;

const source = readIfExists(bundle);
if (source === undefined) {
  await import('./service.js');
} else if (process.sourceMapsEnabled && mode === undefined) {
  createRequire(import.meta.url)(bundle);
} else {
  const cachedData = mode === 'write' ? undefined : readIfExists(cacheFile);
  // CommonJS's own wrapper, on a line of its own so that positions in the bundle stay right. The
  // bundle is ASCII (esbuild's `charset: 'ascii'`), so latin1 is its exact and quickest decoding.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {\n${source.toString('latin1')}\n})`,
    { filename: bundle, lineOffset: -1, ...(cachedData ? { cachedData } : {}) },
  );
  if (mode === 'check') {
    console.log(cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted');
  } else {
    if (mode === 'write') {
      // At exit the cache holds every function the run compiled: what a start needs, and no more.
      process.once('exit', () => {
        writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
        renameSync(`${cacheFile}.tmp`, cacheFile);
      });
    }
    const module = { exports: {} };
    const run = script.runInThisContext() as (
      exports: object,
      require: NodeJS.Require,
      module: { exports: object },
      filename: string,
      dirname: string,
    ) => void;
    run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  }
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
