// Removes from each published package's dist/ what tsc emitted for a source file that no longer
// exists (src/x.ts deleted: dist/x.js, x.d.ts and their maps stay behind, since tsc -b never
// deletes an output). Left there, they would be published: `files` ships dist's declarations.
// Run by `npm run build` after tsc and before the bundles. Touches nothing but such orphans.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));
/** tsc's outputs for `src/<stem>.ts`: `<stem>.js`, `.js.map`, `.d.ts`, `.d.ts.map` (not the esbuild bundles). */
const TSC_OUTPUT = /^(?!.*\.bundle\.js(?:\.map)?$)(.*?)(?:\.d\.ts|\.js)(?:\.map)?$/;

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );

for (const name of readdirSync(packagesDir)) {
  const manifestPath = join(packagesDir, name, 'package.json');
  const dist = join(packagesDir, name, 'dist');
  if (!existsSync(manifestPath) || !existsSync(dist)) continue;
  if (JSON.parse(readFileSync(manifestPath, 'utf8')).private === true) continue;
  for (const file of walk(dist)) {
    const stem = TSC_OUTPUT.exec(relative(dist, file))?.[1];
    if (stem === undefined || existsSync(join(packagesDir, name, 'src', `${stem}.ts`))) continue;
    rmSync(file);
    console.log(`removed ${relative(packagesDir, file)}: its source src/${stem}.ts no longer exists`);
  }
}
