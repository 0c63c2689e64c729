// Bundles the example service with every dependency inlined into `dist/service.bundle.cjs`, then
// trains V8's code cache for it (`dist/service.bundle.cache`); `dist/main.js` (src/main.ts) runs
// the two. Runs after tsc: it bundles tsc's output, which keeps the decorator metadata esbuild
// cannot emit. The recipe for your own service: docs/performance.md ("Cold start").
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = join(root, 'dist');
const outfile = join(outdir, 'service.bundle.cjs');
const requireHere = createRequire(join(root, 'package.json'));

/**
 * Files that packages read at run time next to their own sources (`__dirname`-relative), copied
 * to `dist/vendor/<package>/…`; the modules of these packages see `__dirname` under
 * `dist/vendor/<package>/` (see `vendorDirname`), so their relative paths still land on them.
 */
const ASSETS = {
  etcd3: ['proto'], // rpc.proto, loaded when the etcd registry is imported
  'grpc-health-check': ['proto'], // health.proto, loaded when @kratos-ts/grpc is imported
  '@grpc/reflection': ['build/proto'], // reflection protos, loaded by a GrpcServer with `reflection`
  '@grpc/grpc-js': ['proto'], // channelz and ORCA protos, loaded only if those are used
};

/**
 * Packages whose import has no effect the service relies on: when nothing of theirs is used
 * (undici: the HTTP client of @kratos-ts/http, not used by a server), esbuild leaves them out.
 */
const SIDE_EFFECT_FREE = new Set(['undici']);

/**
 * Workspace packages left out of the bundle, loaded from node_modules by `require()` when the
 * service imports them (dynamically, only when used): the OpenTelemetry SDK that
 * `@kratos-ts/telemetry` pulls in is megabytes that every start would read, telemetry on or off.
 * (Their builds are ES modules: node >= 20.19 requires them.)
 */
const AT_RUN_TIME = ['@kratos-ts/telemetry'];

/**
 * The training run, on loopback with OS-chosen ports: the start to make fast, the HTTP service
 * (what the cold-start bench measures). What training did not run (gRPC here) is compiled on
 * first use, as without a cache; training with gRPC on makes an HTTP-only start ~4 ms slower.
 */
const TRAINING_ENV = { HOST: '127.0.0.1', PORT: '0', GRPC_PORT: 'off', LOG_LEVEL: 'info' };
/** The training run is stopped (SIGTERM) once its output so far passes this test. */
const isRunning = (line) => line.includes('"state":"running"');

/**
 * Modules loaded on first call instead of at start, with their exports, all functions the service
 * calls later if ever: express requires body-parser at start for express.json() & co, which the
 * example never calls (~5 ms of a start); node:https is needed only by an HttpServer with `tls`.
 */
const LAZY = { 'body-parser': ['json', 'raw', 'text', 'urlencoded'], 'node:https': ['createServer'] };

/**
 * The bundle's first lines: where it lives (for `vendorDirname`) and `import.meta.url`, which
 * CommonJS has not (the example finds `proto/greeter.proto` from it).
 */
const BANNER = [
  "const __bundleDir = __dirname + '/';",
  "const __bundleImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
].join('\n');

/** Where a package file's `__dirname` points in the bundle: `vendor/<package>/<dir in package>`. */
function vendorDirname(file) {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const nameLength = parts[at + 1]?.startsWith('@') ? 2 : 1;
  const name = parts.slice(at + 1, at + 1 + nameLength).join('/');
  const inside = parts.slice(at + 1 + nameLength, -1).join('/');
  return ['vendor', name, inside].filter(Boolean).join('/');
}

/** The directory of package `name` that holds `file`, if `file` is inside one. */
function packageRoot(file, name) {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? undefined : file.slice(0, at + marker.length - 1);
}

/** @type {import('esbuild').Plugin} */
const plugin = {
  name: 'bundle-everything',
  setup(b) {
    // rxjs: its ES modules (declared side-effect free, so only the operators in use are kept)
    // rather than the CommonJS build that the `node` condition picks and that holds all of rxjs.
    b.onResolve({ filter: /^rxjs(\/operators)?$/ }, ({ path }) => {
      const cjs = requireHere.resolve(path);
      return {
        path: cjs.replace(`${sep}dist${sep}cjs${sep}`, `${sep}dist${sep}esm${sep}`),
        sideEffects: false,
      };
    });
    // LAZY: a stand-in whose functions load the real module on their first call.
    const lazy = new RegExp(`^(${Object.keys(LAZY).join('|')})$`);
    b.onResolve({ filter: lazy }, async ({ path, kind, importer, resolveDir, namespace, pluginData }) => {
      if (namespace === 'lazy' || pluginData === 'lazy' || pluginData === 'resolving') return undefined;
      const real = await b.resolve(path, { kind, importer, resolveDir, pluginData: 'lazy' });
      if (real.errors.length > 0) return real;
      return { path: real.external ? path : real.path, namespace: 'lazy', pluginData: path };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, ({ path, pluginData: name }) => {
      const calls = LAZY[name].map((fn) => `${fn}: (...args) => load().${fn}(...args)`);
      return {
        contents: `let real;\nconst load = () => (real ??= require(${JSON.stringify(path)}));\nmodule.exports = { ${calls.join(', ')} };`,
        loader: 'js',
        resolveDir: path.startsWith('node:') ? root : dirname(path),
      };
    });
    // AT_RUN_TIME: a stand-in that requires the real package when the dynamic import runs.
    const atRunTime = new RegExp(`^(${AT_RUN_TIME.join('|')})$`);
    b.onResolve({ filter: atRunTime }, ({ path, namespace }) =>
      namespace === 'at-run-time' ? { path, external: true } : { path, namespace: 'at-run-time' },
    );
    b.onLoad({ filter: /.*/, namespace: 'at-run-time' }, ({ path }) => ({
      contents: `module.exports = require(${JSON.stringify(path)});`,
      loader: 'js',
      resolveDir: root,
    }));
    // The workspace packages from tsc's output (`dist/index.js`), not their own bundles: `npm run
    // build` bundles the workspaces in name order, so theirs may not be built yet (or stale).
    // (Their `exports` name dist/index.bundle.js; tsc's dist/index.js sits next to it.)
    b.onResolve({ filter: /^@kratos-ts\/[a-z-]+$/ }, ({ path }) => ({
      path: realpathSync(fileURLToPath(new URL('./index.js', import.meta.resolve(path)))),
    }));
    // Packages: one copy of each name@version (npm installs the same version at several places
    // when it cannot hoist it: express's mime-db is there four times), and the side-effect-free
    // ones marked so.
    const copies = new Map();
    b.onResolve({ filter: /^[^./]/ }, async ({ path, kind, importer, resolveDir, pluginData }) => {
      if (pluginData === 'resolving' || path.startsWith('node:')) return undefined;
      const resolved = await b.resolve(path, { kind, importer, resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path) return resolved;
      const name = path.startsWith('@') ? path.split('/', 2).join('/') : path.split('/', 1)[0];
      const dir = packageRoot(resolved.path, name);
      let file = resolved.path;
      if (dir) {
        const { version } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
        const first = copies.get(`${name}@${version}`) ?? dir;
        copies.set(`${name}@${version}`, first);
        file = join(first, resolved.path.slice(dir.length));
      }
      return { ...resolved, path: file, ...(SIDE_EFFECT_FREE.has(name) ? { sideEffects: false } : {}) };
    });
    // JSON (mime-db's 180 kB among others) as JSON.parse of a string: far quicker for V8 to
    // compile, cache and run than the object literal esbuild writes by default.
    b.onLoad({ filter: /\.json$/ }, async ({ path }) => {
      const text = JSON.stringify(JSON.parse(await readFile(path, 'utf8')));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
    // CommonJS in node_modules that uses `__dirname`/`__filename`: give it its vendor directory;
    // on the first line, so that source maps stay aligned.
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      const vendor = vendorDirname(path);
      if (!vendor) return undefined;
      const prelude =
        `var __dirname = __bundleDir + ${JSON.stringify(vendor)}, ` +
        `__filename = __dirname + ${JSON.stringify(`/${path.split(sep).at(-1)}`)};`;
      return { contents: prelude + source, loader: 'js', resolveDir: dirname(path) };
    });
  },
};

/** Runs `dist/main.js` with `env` (and CODE_CACHE=`mode`); resolves with its stdout. */
function runMain(mode, env, stopWhen) {
  const child = spawn(process.execPath, [join(outdir, 'main.js')], {
    env: { ...process.env, NODE_OPTIONS: '', ...env, CODE_CACHE: mode },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let stopping = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.stdout.on('data', (chunk) => {
    output += chunk.toString();
    if (!stopping && stopWhen?.(output)) stopping = child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`dist/main.js (CODE_CACHE=${mode}) exited ${code ?? signal}:\n${output}`));
    }),
  );
}

await rm(join(outdir, 'vendor'), { recursive: true, force: true });
for (const suffix of ['.cjs', '.cjs.map', '.cache']) {
  await rm(join(outdir, `service.bundle${suffix}`), { force: true });
}

const result = await build({
  entryPoints: [join(outdir, 'service.js')],
  outfile,
  bundle: true,
  // CommonJS, for `vm.Script` and its code cache (node 20 has none for ES modules). gRPC and
  // etcd, imported dynamically by app.ts, stay in the file but are evaluated only when used.
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true, // identifiers kept: class names in logs and errors stay readable
  charset: 'ascii', // dist/main.js reads the bundle as latin1 (one byte a character)
  sourcemap: true,
  banner: { js: BANNER },
  define: { 'import.meta.url': '__bundleImportMetaUrl' },
  plugins: [plugin],
  metafile: true,
  logLevel: 'warning',
});

for (const [name, dirs] of Object.entries(ASSETS)) {
  const entry = requireHere.resolve(name);
  const pkg = packageRoot(entry, name);
  for (const dir of dirs) await cp(join(pkg, dir), join(outdir, 'vendor', name, dir), { recursive: true });
}

// Training: one start and stop; at exit dist/main.js writes the code cache of what ran.
await runMain('write', TRAINING_ENV, isRunning);
const verdict = (await runMain('check', {})).trim();
if (verdict !== 'accepted') throw new Error(`the code cache was not accepted by node: ${verdict}`);

// BUNDLE_METAFILE=path: esbuild's metafile, to see what the bundle holds (esbuild.github.io/analyze).
if (process.env.BUNDLE_METAFILE)
  await writeFile(process.env.BUNDLE_METAFILE, JSON.stringify(result.metafile));
