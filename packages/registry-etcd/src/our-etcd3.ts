import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

type GrpcJs = typeof import('@grpc/grpc-js');

const fromHere = createRequire(import.meta.url);

/**
 * The copy of etcd3 this package runs on: its folder and version, to name it in an error when an
 * app hands over a client of another copy.
 */
export function ourEtcd3(): { readonly folder: string; readonly version: string } {
  const manifest = fromHere.resolve('etcd3/package.json');
  let version = 'unknown';
  try {
    version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
  } catch {
    // the folder alone still tells the copies apart
  }
  return { folder: realpathSync(dirname(manifest)), version };
}

/**
 * The @grpc/grpc-js that etcd3 itself loads. The call tracker puts an interceptor on etcd3's
 * channels, so it must build its calls with that copy, not with whichever one the app has: this
 * package has no grpc-js of its own.
 */
export function grpcJsOfEtcd3(): GrpcJs {
  return createRequire(fromHere.resolve('etcd3'))('@grpc/grpc-js') as GrpcJs;
}
