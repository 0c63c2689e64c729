import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { grpcJsCopyHolding, type GrpcJsCopy } from './grpc-js-copy.js';

/** The copy of `@grpc/grpc-js` an app's own `import '@grpc/grpc-js'` gets, and where it was resolved from. */
export interface AppGrpcJs {
  /** The app's entry point (`process.argv[1]`), or the working directory when there is none. */
  readonly from: string;
  readonly copy: GrpcJsCopy;
}

/**
 * The copy of `@grpc/grpc-js` that the process's entry point (`process.argv[1]`; the working
 * directory without one) resolves: the one the app's own channels are created with when its code
 * lives in the package of its entry point. `undefined` when it resolves none (grpc-js bundled into
 * the app, no node_modules above it). Never throws.
 */
export function appGrpcJs(): AppGrpcJs | undefined {
  try {
    const entry = entryPoint();
    const from = entry ?? process.cwd();
    const resolved = createRequire(entry ?? join(from, 'index.js')).resolve('@grpc/grpc-js');
    const copy = grpcJsCopyHolding(resolved);
    return copy && { from, copy };
  } catch {
    return undefined;
  }
}

function entryPoint(): string | undefined {
  const entry = process.argv[1];
  if (!entry) return undefined; // `node -e`, a REPL
  try {
    return realpathSync(entry);
  } catch {
    return undefined; // not a file (a removed script, a loader's pseudo path)
  }
}
