import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type GrpcJs = typeof import('@grpc/grpc-js');

/** A second, real copy of @grpc/grpc-js in a temporary project, as npm installs one for an app. */
export interface ForeignGrpcJs {
  /** The temporary project: `node_modules/@grpc/grpc-js` in it is the second copy. */
  readonly project: string;
  /** The second copy's package folder (real path). */
  readonly root: string;
  /** The folder of the copy @kratos-ts/grpc uses (real path). */
  readonly ourRoot: string;
  /** The version both copies have (the second is a file copy of the first). */
  readonly version: string;
  /** The second copy, loaded: its classes are not the ones of `@grpc/grpc-js` here. */
  readonly grpc: GrpcJs;
  /** Links `node_modules/<name>` of the project to the package folder `target`. */
  link(name: string, target: string): void;
  /** Deletes the project. */
  remove(): void;
}

const ourRoot = realpathSync(dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js/package.json')));

/**
 * Copies the @grpc/grpc-js that @kratos-ts/grpc uses into `<tmp>/node_modules/@grpc/grpc-js`, its
 * dependencies linked beside it, and loads it from there: a second copy, with its own classes and
 * its own resolver table, as in an app that pins another version than the one @kratos-ts/grpc got.
 */
export async function foreignGrpcJs(): Promise<ForeignGrpcJs> {
  const project = realpathSync(mkdtempSync(join(tmpdir(), 'kratos-foreign-grpc-js-')));
  const modules = join(project, 'node_modules');
  const root = join(modules, '@grpc', 'grpc-js');
  mkdirSync(root, { recursive: true });
  for (const entry of ['package.json', 'build', 'proto'])
    cpSync(join(ourRoot, entry), join(root, entry), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(ourRoot, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const link = (name: string, target: string): void => {
    const at = join(modules, name);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(target, at, 'dir');
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) link(name, packageFolder(name, ourRoot));
  const grpc = (await import(pathToFileURL(join(root, 'build', 'src', 'index.js')).href)) as GrpcJs;
  return {
    project,
    root,
    ourRoot,
    version: manifest.version,
    grpc,
    link,
    remove: () => rmSync(project, { recursive: true, force: true }),
  };
}

/** The folder of package `name` as Node finds it from `from` (nearest `node_modules` upwards). */
export function packageFolder(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${name} is not installed above ${from}`);
  }
}
