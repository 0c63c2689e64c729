import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** What the packaging tests read of a package.json. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly description?: string;
  readonly keywords?: readonly string[];
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly engines?: Readonly<Record<string, string>>;
  readonly main?: string;
  readonly types?: string;
  readonly exports?: unknown;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** A workspace package that is published (not `private`). */
export interface PublishedPackage {
  /** Its folder under packages/, e.g. `registry-etcd`. */
  readonly dir: string;
  /** Its absolute path. */
  readonly path: string;
  readonly manifest: Manifest;
}

/** Every package under packages/ whose package.json is not `private`, in folder order. */
export function publishedPackages(): PublishedPackage[] {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const path = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Manifest;
      return { dir: entry.name, path, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true);
}

/** The subpaths of a package's `exports` (`.`, `./client` …), with every file target each names. */
export function exportTargets(manifest: Manifest): Map<string, string[]> {
  const targets = new Map<string, string[]>();
  const collect = (value: unknown, into: string[]): void => {
    if (typeof value === 'string') into.push(value);
    else if (Array.isArray(value)) for (const item of value) collect(item, into);
    else if (value !== null && typeof value === 'object')
      for (const item of Object.values(value)) collect(item, into);
  };
  const { exports } = manifest;
  if (typeof exports === 'string' || Array.isArray(exports)) {
    const into: string[] = [];
    collect(exports, into);
    targets.set('.', into);
  } else if (exports !== null && typeof exports === 'object') {
    const entries = Object.entries(exports);
    const isSubpathMap = entries.every(([key]) => key.startsWith('.'));
    for (const [subpath, value] of isSubpathMap ? entries : [['.', exports] as const]) {
      const into: string[] = [];
      collect(value, into);
      targets.set(subpath, into);
    }
  }
  return targets;
}

/** `@kratos-ts/http` for `.`, `@kratos-ts/http/client` for `./client`. */
export function specifierOf(name: string, subpath: string): string {
  return subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
}

/**
 * Throws, naming the file and the command, when a package's `exports` name a file that is not built:
 * these tests read the built packages (`npm test` builds first).
 */
export function assertBuilt(packages: readonly PublishedPackage[]): void {
  const missing = packages.flatMap((pkg) =>
    [...exportTargets(pkg.manifest).values()]
      .flat()
      .filter((target) => !existsSync(join(pkg.path, target)))
      .map((target) => `packages/${pkg.dir}/${target.replace(/^\.\//, '')}`),
  );
  if (missing.length > 0) {
    throw new Error(
      `These tests read the built packages; missing: ${missing.join(', ')}. Run \`npm run build\` first.`,
    );
  }
}
