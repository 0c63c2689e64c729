import type { GrpcJsCopy } from './grpc-js-copy.js';

/**
 * How the errors of a second grpc-js copy say to keep one: the same words wherever a copy is refused.
 */
export const KEEP_ONE_GRPC_JS =
  'Keep one copy: `npm ls @grpc/grpc-js` shows which packages bring each; install @grpc/grpc-js once, in your app, in a version @kratos-ts/grpc accepts (it is a peer dependency of @kratos-ts/grpc), then run `npm dedupe`, or force one version for every package with "overrides": { "@grpc/grpc-js": "<version>" } in your package.json (pnpm: "pnpm.overrides"; yarn: "resolutions") and install again.';

/**
 * A copy as errors name it: `"<folder> (version <v>)"`, or what is known when it could not be located.
 *
 * @example
 * describeGrpcJsCopy({ root: '/app/node_modules/@grpc/grpc-js', version: '1.13.4' });
 * // '/app/node_modules/@grpc/grpc-js (version 1.13.4)'
 */
export function describeGrpcJsCopy(copy: GrpcJsCopy | undefined): string {
  if (!copy) return 'a copy that could not be located (bundled into another file?)';
  return `${copy.root} (version ${copy.version ?? 'unknown'})`;
}
