import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import {
  assertBuilt,
  exportTargets,
  publishedPackages,
  repoRoot,
  type Manifest,
  type PublishedPackage,
} from './published-packages.js';

// What `npm pack` would publish of each package, checked against the rules of a publishable
// tarball (issue 14): README and LICENSE, no build state, nothing that neither `exports` nor a
// shipped map or declaration reaches, source maps that resolve, and complete metadata. Each rule
// lists every offence as `<package>: <file> …`, so a failure names what to fix.

const run = promisify(execFile);
const REPO_URL = 'https://github.com/kratos-ts/kratos-ts';
const DOCS_URL = `${REPO_URL}/blob/main/`;

interface Tarball {
  readonly pkg: PublishedPackage;
  /** Paths inside the tarball, as npm lists them (`dist/index.bundle.js`). */
  readonly files: ReadonlySet<string>;
  readonly size: number;
  readonly unpackedSize: number;
}

interface PackReport {
  readonly files: readonly { readonly path: string }[];
  readonly size: number;
  readonly unpackedSize: number;
}

async function pack(pkg: PublishedPackage): Promise<Tarball> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: pkg.path,
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const [report] = JSON.parse(stdout) as PackReport[];
  if (report === undefined)
    throw new Error(`npm pack --dry-run --json printed no report for ${pkg.manifest.name}`);
  return {
    pkg,
    files: new Set(report.files.map((file) => file.path)),
    size: report.size,
    unpackedSize: report.unpackedSize,
  };
}

const read = (tarball: Tarball, file: string): string => readFileSync(join(tarball.pkg.path, file), 'utf8');
const isMap = (file: string): boolean => file.endsWith('.map');
const isDeclaration = (file: string): boolean => /\.d\.[cm]?ts$/.test(file);
const isScript = (file: string): boolean => /\.[cm]?js$/.test(file);
/** `./dist/x.js` → `dist/x.js`; `dist/a/../b.js` → `dist/b.js`. */
const normal = (path: string): string => posix.normalize(path.replace(/^\.\//, ''));
const besides = (file: string, relative: string): string => normal(posix.join(posix.dirname(file), relative));

/** Drops block comments and whole-line comments (JSDoc examples are not imports). */
const withoutComments = (code: string): string =>
  code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Every module specifier a script or declaration file imports, exports from, or requires. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  // Static imports start a line (in tsc's and esbuild's output); `import()` and `require()` may not.
  const patterns = [
    /^\s*(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of withoutComments(code).matchAll(pattern)) found.push(match[1]!);
  // Text in a message (`import … from '${name}'`) is not an import.
  return found.filter((specifier) => !/[\s$`{}]/.test(specifier));
}

/** The file a relative specifier of `file` lands on: `./x.js` in a declaration is `./x.d.ts`. */
function resolveRelative(file: string, specifier: string, files: ReadonlySet<string>): string {
  const base = besides(file, specifier);
  const candidates = isDeclaration(file)
    ? [
        base
          .replace(/\.js$/, '.d.ts')
          .replace(/\.mjs$/, '.d.mts')
          .replace(/\.cjs$/, '.d.cts'),
        `${base}.d.ts`,
        `${base}/index.d.ts`,
      ]
    : [base, `${base}.js`, `${base}/index.js`];
  return candidates.find((candidate) => files.has(candidate)) ?? candidates[0]!;
}

/** The map a script or declaration links with `//# sourceMappingURL=`, unless inline. */
function linkedMap(file: string, code: string): string | undefined {
  const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
  return url === undefined || url.startsWith('data:') ? undefined : besides(file, url);
}

interface SourceMap {
  readonly sources: readonly string[];
  readonly sourceRoot?: string;
  readonly sourcesContent?: readonly (string | null)[];
}

/** The files a map names, with whether the map carries each one's content. */
function mapSources(file: string, map: SourceMap): { source: string; path: string; inlined: boolean }[] {
  return map.sources.map((source, i) => ({
    source,
    path: besides(file, posix.join(map.sourceRoot ?? '', source)),
    inlined: typeof map.sourcesContent?.[i] === 'string',
  }));
}

/**
 * What a user of the package can reach: the `exports` targets (and `main`/`types`), the files
 * their declarations import, the maps they link and the sources those maps name.
 */
function reach(tarball: Tarball): { reached: Set<string>; problems: string[] } {
  const { manifest } = tarball.pkg;
  const reached = new Set<string>();
  const problems: string[] = [];
  const queue: { file: string; from: string }[] = [
    ...[...exportTargets(manifest).entries()].flatMap(([subpath, targets]) =>
      targets.map((target) => ({ file: normal(target), from: `exports["${subpath}"]` })),
    ),
    ...[manifest.main, manifest.types]
      .filter((field): field is string => field !== undefined)
      .map((field) => ({ file: normal(field), from: 'main/types' })),
    // Declarations ship per source file (tsc's output, not bundled): the declaration of a module
    // the public types do not reference is kept, but only while its source exists.
    ...[...tarball.files]
      .filter((file) => /^dist\/.*\.d\.ts$/.test(file))
      .filter((file) =>
        existsSync(join(tarball.pkg.path, file.replace(/^dist\//, 'src/').replace(/\.d\.ts$/, '.ts'))),
      )
      .map((file) => ({ file, from: 'the declaration of its source' })),
  ];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { file, from } = next;
    if (reached.has(file)) continue;
    reached.add(file);
    if (!tarball.files.has(file)) {
      problems.push(`${manifest.name}: ${file}, named by ${from}, is not in the tarball`);
      continue;
    }
    const text = read(tarball, file);
    if (isMap(file)) {
      for (const { path, inlined } of mapSources(file, JSON.parse(text) as SourceMap)) {
        if (!inlined || tarball.files.has(path)) queue.push({ file: path, from: file });
      }
    } else if (isScript(file) || isDeclaration(file)) {
      const map = linkedMap(file, text);
      if (map !== undefined) queue.push({ file: map, from: `${file} (sourceMappingURL)` });
      for (const specifier of specifiers(text).filter((s) => s.startsWith('.'))) {
        queue.push({
          file: resolveRelative(file, specifier, tarball.files),
          from: `${file} ("${specifier}")`,
        });
      }
      for (const match of text.matchAll(/\/\/\/\s*<reference\s+path=['"]([^'"]+)['"]/g)) {
        queue.push({ file: besides(file, match[1]!), from: `${file} (reference)` });
      }
    }
  }
  return { reached, problems };
}

/** The package a bare specifier names: `@grpc/grpc-js/build/x` → `@grpc/grpc-js`, `rxjs/testing` → `rxjs`. */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** The peers a user installs with the package: its required peers, and theirs for our own packages. */
function requiredPeers(manifest: Manifest, all: readonly PublishedPackage[]): Set<string> {
  const peers = new Set<string>();
  const visit = (
    current: Manifest & { peerDependenciesMeta?: Record<string, { optional?: boolean }> },
  ): void => {
    for (const peer of Object.keys(current.peerDependencies ?? {})) {
      if (current.peerDependenciesMeta?.[peer]?.optional === true || peers.has(peer)) continue;
      peers.add(peer);
      const sibling = all.find((pkg) => pkg.manifest.name === peer);
      if (sibling !== undefined) visit(sibling.manifest);
    }
  };
  visit(manifest);
  return peers;
}

const EXACT_VERSION = /^=?v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;

describe('the npm tarball of every published package', () => {
  const packages = publishedPackages();
  let tarballs: Tarball[] = [];

  beforeAll(async () => {
    assertBuilt(packages);
    tarballs = await Promise.all(packages.map(pack));
    // The sizes, for the record (`npm pack --dry-run` of each package, as npm would publish it).
    const sizes = tarballs.map(
      (t) => `${t.pkg.manifest.name} ${t.size} B packed, ${t.unpackedSize} B unpacked`,
    );
    process.stdout.write(`tarballs: ${sizes.join('; ')}\n`);
  }, 120_000);

  /** Runs `rule` on every tarball and expects no problem, so a failure lists every offence. */
  const expectNone = (rule: (tarball: Tarball) => string[]): void => {
    expect(tarballs.flatMap(rule)).toEqual([]);
  };

  it('covers the ten published packages', () => {
    expect(packages.map((pkg) => pkg.manifest.name).sort()).toEqual(
      [
        '@kratos-ts/amqp',
        '@kratos-ts/consumer',
        '@kratos-ts/core',
        '@kratos-ts/discovery',
        '@kratos-ts/grpc',
        '@kratos-ts/http',
        '@kratos-ts/nats',
        '@kratos-ts/registry-etcd',
        '@kratos-ts/telemetry',
        '@kratos-ts/testing',
      ].sort(),
    );
  });

  it('ships the LICENSE, a copy of the repository root LICENSE', () => {
    const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    expectNone((t) =>
      !t.files.has('LICENSE')
        ? [
            `${t.pkg.manifest.name}: LICENSE is not in the tarball (copy the root LICENSE to packages/${t.pkg.dir}/)`,
          ]
        : read(t, 'LICENSE') === license
          ? []
          : [`${t.pkg.manifest.name}: LICENSE differs from the root LICENSE`],
    );
  });

  it('ships a README: what it is, the full install line with its peers, an example, links to the docs', () => {
    expectNone((t) => {
      const { name } = t.pkg.manifest;
      if (!t.files.has('README.md')) return [`${name}: README.md is not in the tarball`];
      const readme = read(t, 'README.md');
      const problems: string[] = [];
      if (!readme.startsWith(`# ${name}\n`))
        problems.push(`${name}: README.md does not start with "# ${name}"`);
      const installed = new Set(
        [...readme.matchAll(/^npm install (.+)$/gm)].flatMap((m) =>
          m[1]!.split(/\s+/).filter((w) => !w.startsWith('-')),
        ),
      );
      for (const needed of [name, ...requiredPeers(t.pkg.manifest, packages)]) {
        if (!installed.has(needed))
          problems.push(`${name}: README.md's npm install lines do not install ${needed}`);
      }
      if (!/```ts\n[\s\S]*?from '/.test(readme)) problems.push(`${name}: README.md has no \`\`\`ts example`);
      const docs = [
        ...readme.matchAll(/\((https:\/\/github\.com\/kratos-ts\/kratos-ts\/blob\/main\/([^)#]+))[^)]*\)/g),
      ];
      if (docs.length === 0)
        problems.push(`${name}: README.md links to no page of the docs (${DOCS_URL}docs/…)`);
      for (const [, url, path] of docs) {
        if (!existsSync(join(repoRoot, path!)))
          problems.push(`${name}: README.md links to ${url}, which does not exist`);
      }
      return problems;
    });
  });

  it('ships no TypeScript build state (.tsbuildinfo)', () => {
    expectNone((t) =>
      [...t.files].filter((f) => f.endsWith('.tsbuildinfo')).map((f) => `${t.pkg.manifest.name}: ships ${f}`),
    );
  });

  it('ships only what exports reach, or a shipped map or declaration needs', () => {
    const always = new Set(['package.json', 'README.md', 'LICENSE']);
    expectNone((t) => {
      const { reached, problems } = reach(t);
      const stray = [...t.files].filter((file) => !reached.has(file) && !always.has(file));
      return [
        ...problems,
        ...stray.map(
          (file) =>
            `${t.pkg.manifest.name}: ${file} is shipped but neither reachable through exports nor needed by a shipped ` +
            `map or declaration: leave it out of packages/${t.pkg.dir}/package.json "files" (or, if its source was ` +
            `deleted, run npm run build: it removes such outputs)`,
        ),
      ];
    });
  });

  it('ships source maps whose sources resolve: each named source is shipped, or inlined', () => {
    expectNone((t) =>
      [...t.files].flatMap((file) => {
        if (isMap(file)) {
          return mapSources(file, JSON.parse(read(t, file)) as SourceMap)
            .filter(({ path, inlined }) => !inlined && !t.files.has(path))
            .map(
              ({ source, path }) =>
                `${t.pkg.manifest.name}: ${file} names source "${source}" (${path}), which is neither shipped nor in sourcesContent`,
            );
        }
        if (!isScript(file) && !isDeclaration(file)) return [];
        const map = linkedMap(file, read(t, file));
        return map === undefined || t.files.has(map)
          ? []
          : [`${t.pkg.manifest.name}: ${file} links the map ${map}, which is not shipped`];
      }),
    );
  });

  it('declares every package its shipped code imports, as a dependency or a peer', () => {
    expectNone((t) => {
      const { manifest } = t.pkg;
      const declared = new Set([
        manifest.name,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.optionalDependencies ?? {}),
      ]);
      return [...t.files]
        .filter((file) => isScript(file) || isDeclaration(file))
        .flatMap((file) =>
          specifiers(read(t, file))
            .filter((s) => !s.startsWith('.') && !isBuiltin(s) && !declared.has(packageOf(s)))
            .map(
              (s) =>
                `${manifest.name}: ${file} imports "${s}", which is neither a dependency nor a peer dependency`,
            ),
        );
    });
  });

  it('says which Node it needs, where it lives, and what it is: engines, repository, keywords, description', () => {
    expectNone((t) => {
      const { manifest, dir } = t.pkg;
      const problems: string[] = [];
      if (manifest.engines?.node !== '>=20.19') {
        problems.push(
          `${manifest.name}: engines.node is ${JSON.stringify(manifest.engines?.node)}, not ">=20.19"`,
        );
      }
      if (
        manifest.repository?.url !== `git+${REPO_URL}.git` ||
        manifest.repository.directory !== `packages/${dir}`
      ) {
        problems.push(
          `${manifest.name}: repository is ${JSON.stringify(manifest.repository)}, not { type: "git", url: "git+${REPO_URL}.git", directory: "packages/${dir}" }`,
        );
      }
      if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0)
        problems.push(`${manifest.name}: no keywords`);
      if (typeof manifest.description !== 'string' || manifest.description.length === 0) {
        problems.push(`${manifest.name}: no description`);
      }
      return problems;
    });
  });

  it('depends on its sibling packages by range, never by an exact version', () => {
    expectNone((t) => {
      const { manifest } = t.pkg;
      const fields = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;
      return fields.flatMap((field) =>
        Object.entries(manifest[field] ?? {})
          .filter(([dep, spec]) => dep.startsWith('@kratos-ts/') && EXACT_VERSION.test(spec))
          .map(
            ([dep, spec]) =>
              `${manifest.name}: ${field}["${dep}"] is pinned to exactly "${spec}"; use a range such as "^${spec.replace(/^=?v?/, '')}"`,
          ),
      );
    });
  });
});
