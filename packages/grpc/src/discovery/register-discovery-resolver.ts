import { experimental } from '@grpc/grpc-js';
import type { ServiceDiscovery } from '@kratos-ts/core';
import { BehaviorSubject } from 'rxjs';
import {
  resolveDiscoveryResolverOptions,
  type DiscoveryResolverOptions,
} from './discovery-resolver-options.js';
import { resolverCopyError } from './resolver-copy-error.js';
import {
  discoveryResolverClass,
  type DiscoveryRegistration,
  type ResolverClass,
} from './discovery-resolver.js';

interface SchemeEntry {
  readonly registration$: BehaviorSubject<DiscoveryRegistration>;
  readonly resolverClass: ResolverClass;
}

// grpc-js keeps its resolvers in one table per process; this is ours beside it, per scheme.
const schemes = new Map<string, SchemeEntry>();

/**
 * Lets grpc-js channels reach services by name: a channel of `discovery:///greeter` calls the
 * instances of `greeter` that `discovery` lists, at their `grpc://` endpoints (`grpcs://` with
 * `secure`), and follows every change (Kratos `transport/grpc/resolver/discovery`, with these
 * differences):
 *
 * - The first calls wait (bounded by their deadline) until the registry has listed an instance,
 *   instead of failing at once.
 * - Calls are balanced by `round_robin` over every instance, unless the channel has its own
 *   `grpc.service_config` option, which then applies as it is.
 * - An instance list that stays empty for `emptyGrace` fails calls at once with UNAVAILABLE
 *   "no instances of greeter" (never a silent stale list); the next instance heals the channel.
 * - A channel that goes idle (`grpc.client_idle_timeout_ms`) stops watching, and watches again
 *   when called.
 * - A target with an authority (`discovery://ns/greeter`) or without a service name fails its
 *   calls with UNAVAILABLE naming the target.
 *
 * Register before creating the channels: grpc-js picks a target's resolver when the channel is
 * created, and sends a scheme it does not know to DNS. Registering again for the same scheme
 * replaces the discovery and the options for every channel of that scheme, open ones included:
 * each keeps its addresses until the new discovery has listed the service. Several schemes can be
 * registered, each with its own discovery.
 *
 * grpc-js keeps its resolvers per copy: the resolver goes into the copy of `@grpc/grpc-js` that
 * `@kratos-ts/grpc` imports, and only channels of that copy use it. With two copies installed, a
 * channel of the other one would send `discovery:///greeter` to DNS ("Failed to parse DNS
 * address"), so the registration fails instead when the app's copy is another one: the `grpc`
 * option when given, else the copy the process's entry point (`process.argv[1]`) resolves.
 *
 * @example
 * import { credentials } from '@grpc/grpc-js';
 * import { registerDiscoveryResolver } from '@kratos-ts/grpc';
 *
 * registerDiscoveryResolver(registry, { logger });
 * const stub = new GreeterClient('discovery:///greeter', credentials.createInsecure());
 * @throws KratosError `KRATOS_GRPC_DISCOVERY_INVALID_OPTIONS` naming every problem (a discovery
 * without `watch()`, an unknown option, a scheme that is not one…); nothing is registered then.
 * @throws KratosError `KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS` when the app's channels use another
 * copy of `@grpc/grpc-js`, naming both copies and how to keep one; nothing is registered then.
 */
export function registerDiscoveryResolver(
  discovery: ServiceDiscovery,
  options: DiscoveryResolverOptions = {},
): void {
  const resolved = resolveDiscoveryResolverOptions(discovery, options);
  const copyError = resolverCopyError(resolved.scheme, resolved.grpc);
  if (copyError) throw copyError;
  const registration: DiscoveryRegistration = Object.freeze({ discovery, options: resolved });
  let entry = schemes.get(resolved.scheme);
  if (entry) {
    entry.registration$.next(registration);
    resolved.logger.debug(
      { scheme: resolved.scheme },
      `gRPC resolver "${resolved.scheme}": registered again; open channels switch to the new discovery`,
    );
  } else {
    const registration$ = new BehaviorSubject(registration);
    entry = { registration$, resolverClass: discoveryResolverClass(registration$) };
    schemes.set(resolved.scheme, entry);
  }
  // Every time, not just the first: another library may have taken the scheme in between.
  experimental.registerResolver(resolved.scheme, entry.resolverClass);
}
