import { type Logger, silentLogger } from '@kratos-ts/core';
import {
  checkBoolean,
  checkDuration,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkOptionsObject,
  checkScheduler,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { DISCOVERY_DEFAULTS, type NodeFilter } from '@kratos-ts/discovery';
import { filterProblems } from '@kratos-ts/discovery/internal';
import type { MethodConfig } from '@grpc/grpc-js';
import type { SchedulerLike } from 'rxjs';
import { checkRetryOption, type DiscoveryRetryOptions } from './discovery-retry-options.js';
import { GrpcDiscoveryErrorCode } from './grpc-discovery-error-codes.js';

/** Options of `registerDiscoveryResolver`. */
export interface DiscoveryResolverOptions {
  /**
   * The target scheme to resolve: channels of `<scheme>:///<service name>` use this resolver. Lower
   * case (letters, digits, `+`, `-`, `.`, starting with a letter), and not a scheme of grpc-js's own
   * resolvers (`dns`, `ipv4`, `ipv6`, `unix`). Default `'discovery'`.
   */
  readonly scheme?: string | undefined;
  /**
   * Dial the instances' `grpcs://` endpoints instead of their `grpc://` ones. This only chooses
   * endpoints: the channel's credentials decide TLS, so create the channel with
   * `credentials.createSsl(…)` too. TLS checks the certificate against the service name (the
   * channel's authority, `greeter` for `discovery:///greeter`) unless the channel option
   * `grpc.ssl_target_name_override` names another. Default false.
   */
  readonly secure?: boolean | undefined;
  /** Applied in order to every list of nodes, e.g. `[version('2.0.0')]`. Default none. */
  readonly filters?: readonly NodeFilter[] | undefined;
  /**
   * Milliseconds an empty instance list must last before calls fail with UNAVAILABLE
   * "no instances of <service>"; meanwhile the channel keeps the previous addresses (a rolling
   * restart, a registry hiccup). Default 1000 (`DISCOVERY_DEFAULTS.emptyGrace`).
   */
  readonly emptyGrace?: number | undefined;
  /** Debug logs of every resolution, each naming the service. Default silent. */
  readonly logger?: Logger | undefined;
  /** Where the empty-list grace timer runs; a `TestScheduler` in tests. Default RxJS's async scheduler. */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Retries the listed (idempotent) methods on `UNAVAILABLE` on another instance: grpc-js's
   * `retryPolicy`, sent in the service config with `round_robin`. A call in flight on an instance
   * that dies fails `UNAVAILABLE` otherwise. A channel with its own `grpc.service_config` keeps it,
   * without this policy (a warning says so): put the `retryPolicy` in it then. Default none.
   */
  readonly retry?: DiscoveryRetryOptions | undefined;
  /**
   * The `@grpc/grpc-js` module your channels are created with (`import * as grpc from
   * '@grpc/grpc-js'`), to check that it is the copy `@kratos-ts/grpc` registers the resolver in:
   * when it is another copy, `registerDiscoveryResolver` throws `KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS`
   * naming both. Default: the copy the process's entry point (`process.argv[1]`) resolves is
   * compared instead, when there is one.
   */
  readonly grpc?: object | undefined;
}

/** The options once defaults are applied. */
export interface ResolvedDiscoveryResolverOptions {
  readonly scheme: string;
  readonly secure: boolean;
  readonly filters: readonly NodeFilter[];
  readonly emptyGrace: number;
  readonly logger: Logger;
  /** `undefined`: the node set's default. */
  readonly scheduler: SchedulerLike | undefined;
  /** The method configs of `retry` (none without it), sent with round_robin. */
  readonly methodConfig: readonly MethodConfig[];
  /** The app's grpc-js module, when given, to check against the copy the resolver goes into. */
  readonly grpc: object | undefined;
}

/**
 * The defaults of every `DiscoveryResolverOptions` option that has one (the others: no filters,
 * a silent logger, RxJS' async scheduler).
 */
export const DISCOVERY_RESOLVER_DEFAULTS = Object.freeze({
  /** Channels of `discovery:///<service>` targets use the resolver. */
  scheme: 'discovery',
  /** The instances' `grpc://` endpoints are dialled, not their `grpcs://` ones. */
  secure: false,
  /** Milliseconds an empty instance list lasts before calls fail: `DISCOVERY_DEFAULTS.emptyGrace`. */
  emptyGrace: DISCOVERY_DEFAULTS.emptyGrace,
});

const KNOWN_OPTIONS = ['scheme', 'secure', 'filters', 'emptyGrace', 'logger', 'scheduler', 'retry', 'grpc'];
// Taking one of these over would break every channel of plain `host:port`, `ipv4:…` or `unix:…` targets.
const GRPC_JS_SCHEMES = new Set(['dns', 'ipv4', 'ipv6', 'unix']);
const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/**
 * Checks the discovery and the options and applies the defaults. Every problem is reported at once,
 * in one `KRATOS_GRPC_DISCOVERY_INVALID_OPTIONS` error naming the scheme.
 */
export function resolveDiscoveryResolverOptions(
  discovery: unknown,
  options: unknown,
): ResolvedDiscoveryResolverOptions {
  const problems: string[] = [];
  checkMethods(problems, 'the discovery', discovery, ['watch'], 'a ServiceDiscovery', {
    required: true,
    hint: 'pass an InMemoryRegistry or an etcd registry, for example',
  });
  const raw =
    options === undefined
      ? {}
      : checkOptionsObject(problems, 'the options', options, "{ scheme: 'discovery' }");
  checkKnownKeys(problems, raw, KNOWN_OPTIONS);

  const scheme = raw.scheme ?? DISCOVERY_RESOLVER_DEFAULTS.scheme;
  if (typeof scheme !== 'string' || !SCHEME.test(scheme)) {
    problems.push(
      `scheme must be a lower-case URI scheme (a letter, then letters, digits, "+", "-" or "."), without ":" or "//", such as 'discovery'; got ${describeValue(scheme)}`,
    );
  } else if (GRPC_JS_SCHEMES.has(scheme)) {
    problems.push(
      `scheme "${scheme}" belongs to a resolver of grpc-js itself; taking it over would break its targets: choose another, such as 'discovery'`,
    );
  }

  const secure = raw.secure ?? DISCOVERY_RESOLVER_DEFAULTS.secure;
  checkBoolean(problems, 'secure', secure, { hint: 'true dials grpcs:// endpoints, false grpc:// ones' });

  const filters = raw.filters ?? [];
  problems.push(...filterProblems(filters));

  const emptyGrace = raw.emptyGrace ?? DISCOVERY_RESOLVER_DEFAULTS.emptyGrace;
  checkDuration(problems, 'emptyGrace', emptyGrace, {
    zero: true,
    hint: `leave it out for the default (${DISCOVERY_RESOLVER_DEFAULTS.emptyGrace})`,
  });
  const logger = raw.logger ?? silentLogger;
  checkLogger(problems, 'logger', logger);
  const scheduler = raw.scheduler;
  checkScheduler(problems, 'scheduler', scheduler);

  const grpc = raw.grpc;
  if (grpc !== undefined && !isGrpcJsModule(grpc)) {
    problems.push(
      `grpc must be the @grpc/grpc-js module your channels are created with (import * as grpc from '@grpc/grpc-js'), got ${describeValue(grpc)}`,
    );
  }

  const retry = checkRetryOption(raw.retry);
  if (!retry.ok) problems.push(...retry.problems);

  if (problems.length > 0) {
    const subject =
      typeof scheme === 'string' && SCHEME.test(scheme)
        ? `The gRPC discovery resolver for scheme "${scheme}"`
        : 'The gRPC discovery resolver';
    throw invalidOptions(GrpcDiscoveryErrorCode.InvalidOptions, subject, problems);
  }
  return {
    scheme: scheme as string,
    secure: secure as boolean,
    filters: Object.freeze([...(filters as NodeFilter[])]),
    emptyGrace: emptyGrace as number,
    logger: logger as Logger,
    scheduler: scheduler as SchedulerLike | undefined,
    methodConfig: retry.ok ? retry.methodConfig : [],
    grpc: grpc as object | undefined,
  };
}

// What the copy check reads of it; any version of grpc-js since 1.x has both.
function isGrpcJsModule(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const { experimental } = value as {
      experimental?: { registerResolver?: unknown; uriToString?: unknown };
    };
    return (
      typeof experimental?.registerResolver === 'function' && typeof experimental.uriToString === 'function'
    );
  } catch {
    return false; // a throwing getter, a revoked Proxy
  }
}
