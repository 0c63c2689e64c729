import { experimental } from '@grpc/grpc-js';
import { KratosError } from '@kratos-ts/core';
import { appGrpcJs } from '../grpc-js-copy/app-grpc-js.js';
import { describeGrpcJsCopy, KEEP_ONE_GRPC_JS } from '../grpc-js-copy/describe-grpc-js-copy.js';
import type { GrpcJsCopy } from '../grpc-js-copy/grpc-js-copy.js';
import { locateGrpcJs } from '../grpc-js-copy/locate-grpc-js.js';
import { ourGrpcJs } from '../grpc-js-copy/our-grpc-js.js';
import { GrpcDiscoveryErrorCode } from './grpc-discovery-error-codes.js';

/** The `experimental` namespace of any copy of `@grpc/grpc-js`, as far as this check reads it. */
interface GrpcJsExperimental {
  readonly registerResolver: unknown;
  readonly uriToString: (uri: never) => unknown;
}

/**
 * The `KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS` error when the resolver of `scheme` would be
 * registered in another copy of `@grpc/grpc-js` than the one the app's channels use, or `undefined`
 * when they are the same or which copy the app uses is unknown. The app's copy is `grpc` when given
 * (exact), else the one the process's entry point resolves (`appGrpcJs`).
 *
 * grpc-js keeps its resolvers in a table of each copy: a channel of the other copy would send
 * `<scheme>:///greeter` to DNS, and every call would fail with "Failed to parse DNS address".
 */
export function resolverCopyError(scheme: string, grpc: object | undefined): KratosError | undefined {
  const ours = ourGrpcJs();
  let theirs: GrpcJsCopy | undefined;
  let source: string;
  if (grpc !== undefined) {
    const their = (grpc as { experimental: GrpcJsExperimental }).experimental;
    if (their.registerResolver === experimental.registerResolver) return undefined;
    theirs = locateGrpcJs((probe) => their.uriToString(probe as never));
    source = 'the `grpc` option is';
  } else {
    const app = appGrpcJs();
    // Without both folders there is nothing to compare: the registration goes on as asked.
    if (!app || !ours || app.copy.root === ours.root) return undefined;
    theirs = app.copy;
    source = `your app (${app.from}) imports @grpc/grpc-js from`;
  }
  const hint =
    grpc === undefined
      ? ' If your channels do come from the copy @kratos-ts/grpc uses, pass that module as the `grpc` option to say so.'
      : '';
  return new KratosError(
    GrpcDiscoveryErrorCode.ForeignGrpcJs,
    `The gRPC discovery resolver for scheme "${scheme}" was not registered: @kratos-ts/grpc would register it in its copy of @grpc/grpc-js, ${describeGrpcJsCopy(ours)}, but ${source} ${describeGrpcJsCopy(theirs)}. grpc-js keeps resolvers per copy, so channels of that copy would send "${scheme}:///<service>" to DNS and fail every call with "Failed to parse DNS address dns:${scheme}:///…". ${KEEP_ONE_GRPC_JS}${hint}`,
  );
}
