import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One installed copy of `@grpc/grpc-js`: its package folder (a real path) and its version. */
export interface GrpcJsCopy {
  readonly root: string;
  readonly version: string | undefined;
}

/**
 * The copy of `@grpc/grpc-js` whose package folder holds `file` (a path or a `file:` URL): the
 * nearest folder above it whose package.json is named `@grpc/grpc-js`. `undefined` for a file of no
 * such package (grpc-js bundled into an app, a `node:` module…). Never throws.
 *
 * @example
 * grpcJsCopyHolding('/app/node_modules/@grpc/grpc-js/build/src/server.js');
 * // { root: '/app/node_modules/@grpc/grpc-js', version: '1.14.7' }
 */
export function grpcJsCopyHolding(file: string): GrpcJsCopy | undefined {
  try {
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) return undefined;
    for (let dir = dirname(path); dirname(dir) !== dir; dir = dirname(dir)) {
      const manifest = readManifest(join(dir, 'package.json'));
      // A package.json without a name only marks a folder's module type: the package is further up.
      if (manifest?.name === undefined) continue;
      // The nearest named package.json is the package the file belongs to: grpc-js's or another's.
      if (manifest.name !== '@grpc/grpc-js') return undefined;
      return {
        root: realpathSync(dir),
        version: typeof manifest.version === 'string' ? manifest.version : undefined,
      };
    }
  } catch {
    // A path Node cannot read: the copy stays unnamed, and the error says so.
  }
  return undefined;
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const manifest: unknown = JSON.parse(text);
  return typeof manifest === 'object' && manifest !== null ? manifest : {};
}
