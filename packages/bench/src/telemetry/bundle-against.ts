import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** How `bundleAgainst` treats the packages other than kratos-ts'. */
export type Dependencies =
  /** Left external, loaded from node_modules at run time, as tsc's output loads them. */
  | 'external'
  /** Inlined into the bundle, as `npm start`'s bundle of the example holds every dependency. */
  | 'inline';

/**
 * Bundles `entry` (an ES module importing `@kratos-ts/*`) into `outfile`, with every `@kratos-ts/x`
 * (or `@kratos-ts/x/y`) taken from the TypeScript sources of the source tree at `treeRoot`
 * (`packages/x/src/index.ts`, or `y.ts`); the other packages `external` (`outfile` must then sit
 * inside the repository, to find node_modules) or `inline`. Two bundles of one entry against two
 * trees differ by the kratos-ts code alone, built the same way.
 */
export async function bundleAgainst(
  entry: string,
  treeRoot: string,
  outfile: string,
  dependencies: Dependencies = 'external',
): Promise<void> {
  const kratosSources: Plugin = {
    name: 'kratos-sources',
    setup(b) {
      b.onResolve({ filter: /^@kratos-ts\/[a-z-]+(\/[a-z-]+)?$/ }, ({ path }) => {
        const [, name, subpath] = /^@kratos-ts\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(path) ?? [];
        const file = join(treeRoot, 'packages', name ?? '', 'src', `${subpath ?? 'index'}.ts`);
        if (!existsSync(file)) return { errors: [{ text: `${path}: no ${file} in ${treeRoot}` }] };
        return { path: file };
      });
      if (dependencies === 'external')
        b.onResolve({ filter: /^[^./]/ }, ({ path }) => ({ path, external: true }));
    },
  };
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [kratosSources],
    // Inlined CommonJS packages call require(): an ES module has none of its own.
    ...(dependencies === 'inline'
      ? {
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
          },
        }
      : {}),
    logLevel: 'warning',
  });
}
