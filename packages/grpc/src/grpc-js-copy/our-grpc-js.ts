import { experimental } from '@grpc/grpc-js';
import { locateGrpcJs } from './locate-grpc-js.js';
import type { GrpcJsCopy } from './grpc-js-copy.js';

let ours: { readonly copy: GrpcJsCopy | undefined } | undefined;

/**
 * The copy of `@grpc/grpc-js` that `@kratos-ts/grpc` imports (the one its servers and resolvers
 * use), located once. `undefined` when it cannot be located (bundled into one file with the app).
 */
export function ourGrpcJs(): GrpcJsCopy | undefined {
  ours ??= { copy: locateGrpcJs((probe) => experimental.uriToString(probe as experimental.GrpcUri)) };
  return ours.copy;
}
