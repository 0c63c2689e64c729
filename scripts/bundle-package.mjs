// Bundles a published package's entry points (tsc's output, dist/<entry>.js) into
// dist/<entry>.bundle.js, the files its `exports` name. Run from the package's folder by its `bundle`
// script: `node ../../scripts/bundle-package.mjs index internal`. Several entry points share one
// copy of every module (code splitting into dist/chunk-<hash>.bundle.js): a class such as
// KratosError or a DI token must be one object whichever entry point a module came from.
// Chunks of earlier builds are removed first, so a stale one is never published.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const entries = process.argv.slice(2);
if (entries.length === 0) {
  console.error('usage: node scripts/bundle-package.mjs <entry> [<entry>…] (names of dist/<entry>.js)');
  process.exit(2);
}
const dist = join(process.cwd(), 'dist');
for (const file of readdirSync(dist)) {
  if (/^chunk-.*\.bundle\.js(\.map)?$/.test(file)) rmSync(join(dist, file));
}
await build({
  entryPoints: entries.map((entry) => join(dist, `${entry}.js`)),
  bundle: true,
  splitting: entries.length > 1,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
  outdir: dist,
  entryNames: '[name].bundle',
  chunkNames: '[name]-[hash].bundle',
});
