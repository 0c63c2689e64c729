import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Etcd3Module = typeof import('etcd3');

/** A second, real copy of etcd3 in a temporary project, as npm installs one for an app. */
export interface ForeignEtcd3 {
  /** The second copy's package folder. */
  readonly root: string;
  /** The second copy, loaded: its `Etcd3` is not the class @kratos-ts/registry-etcd uses. */
  readonly etcd3: Etcd3Module;
  /** Deletes the project. */
  remove(): void;
}

const require = createRequire(import.meta.url);
const ourRoot = realpathSync(dirname(require.resolve('etcd3/package.json')));

/** Copies the etcd3 of this package into `<tmp>/node_modules/etcd3`, its dependencies linked beside it. */
export async function foreignEtcd3(): Promise<ForeignEtcd3> {
  const project = realpathSync(mkdtempSync(join(tmpdir(), 'kratos-foreign-etcd3-')));
  const root = join(project, 'node_modules', 'etcd3');
  mkdirSync(root, { recursive: true });
  for (const entry of ['package.json', 'lib', 'proto']) {
    try {
      cpSync(join(ourRoot, entry), join(root, entry), { recursive: true });
    } catch {
      // not every version ships every folder
    }
  }
  const manifest = JSON.parse(readFileSync(join(ourRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const fromOurs = createRequire(join(ourRoot, 'package.json'));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const at = join(project, 'node_modules', name);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(realpathSync(dirname(fromOurs.resolve(`${name}/package.json`))), at, 'dir');
  }
  const etcd3 = (await import(pathToFileURL(join(root, 'lib', 'index.js')).href)) as Etcd3Module;
  return { root, etcd3, remove: () => rmSync(project, { recursive: true, force: true }) };
}
