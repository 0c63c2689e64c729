import {
  experimental,
  status,
  type ChannelOptions,
  type MethodConfig,
  type ServiceConfig,
} from '@grpc/grpc-js';
import { type Logger, type ServiceDiscovery } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import { watchNodes, type NodeSetState } from '@kratos-ts/discovery';
import {
  Observable,
  asapScheduler,
  catchError,
  filter,
  map,
  observeOn,
  of,
  switchMap,
  type BehaviorSubject,
  type Subscription,
} from 'rxjs';
import type { ResolvedDiscoveryResolverOptions } from './discovery-resolver-options.js';
import { parseDiscoveryUri, type DiscoveryUri } from './discovery-uri.js';
import { endpointsOf } from './endpoints-of.js';

/** What one `registerDiscoveryResolver` call set up for its scheme. */
export interface DiscoveryRegistration {
  readonly discovery: ServiceDiscovery;
  readonly options: ResolvedDiscoveryResolverOptions;
}

/** A grpc-js resolver class, as `experimental.registerResolver` takes it. */
export type ResolverClass = Parameters<typeof experimental.registerResolver>[1];

/** What the resolver tells grpc-js next. */
type Resolution =
  | { readonly kind: 'nodes'; readonly endpoints: experimental.Endpoint[]; readonly logger: Logger }
  | { readonly kind: 'empty'; readonly emptyGrace: number; readonly logger: Logger }
  | { readonly kind: 'failed'; readonly details: string; readonly logger: Logger };

// Debug messages list at most this many addresses; the fields carry them all.
const LISTED_ADDRESSES = 10;

/**
 * The resolver class of one scheme: every instance follows `registration$`, the latest
 * `registerDiscoveryResolver` call for that scheme, so registering again switches open channels too.
 */
export function discoveryResolverClass(registration$: BehaviorSubject<DiscoveryRegistration>): ResolverClass {
  return class extends DiscoveryResolver {
    constructor(
      target: experimental.GrpcUri,
      listener: experimental.ResolverListener,
      options: ChannelOptions,
    ) {
      super(target, listener, options, registration$);
    }
  };
}

/**
 * A grpc-js resolver of `discovery:///<service name>` over the live node set of the service.
 *
 * grpc-js builds one per channel, calls `updateResolution()` when the channel leaves idle (first
 * call, `waitForReady`…) and whenever its policy asks for addresses again, and `destroy()` when the
 * channel goes idle (`grpc.client_idle_timeout_ms`) or closes; after `destroy()` the same instance
 * may be started again by `updateResolution()`. The watch lives exactly from one to the other.
 */
class DiscoveryResolver implements experimental.Resolver {
  readonly #target: experimental.GrpcUri;
  readonly #listener: experimental.ResolverListener;
  readonly #channelOptions: ChannelOptions;
  readonly #registration$: BehaviorSubject<DiscoveryRegistration>;
  readonly #uri: DiscoveryUri;
  #subscription: Subscription | undefined;
  // The addresses grpc-js has now, to skip reporting a list that did not change for the channel.
  #reported: string | undefined;
  #warnedInvalidTarget = false;
  #warnedRetryNotApplied = false;

  /**
   * The `:authority` of the channel's calls (and the name TLS checks the certificate against, unless
   * `grpc.ssl_target_name_override` says otherwise): the service name, as grpc-go takes the endpoint
   * of `discovery:///greeter`. Never throws, so an invalid target fails calls instead of `new Client()`.
   */
  static getDefaultAuthority(target: experimental.GrpcUri): string {
    const uri = parseDiscoveryUri(target);
    return uri.ok ? uri.service : 'localhost';
  }

  constructor(
    target: experimental.GrpcUri,
    listener: experimental.ResolverListener,
    channelOptions: ChannelOptions,
    registration$: BehaviorSubject<DiscoveryRegistration>,
  ) {
    this.#target = target;
    this.#listener = listener;
    this.#channelOptions = channelOptions;
    this.#registration$ = registration$;
    this.#uri = parseDiscoveryUri(target);
  }

  updateResolution(): void {
    // While watching, every change is pushed as it happens: there is nothing to ask the registry for.
    if (this.#subscription && !this.#subscription.closed) return;
    // A fresh start: the policy grpc-js rebuilds after idle knows no address.
    this.#reported = undefined;
    this.#subscription = this.#resolutions().subscribe((resolution) => this.#report(resolution));
  }

  destroy(): void {
    if (!this.#subscription) return;
    this.#subscription.unsubscribe();
    this.#subscription = undefined;
    this.#reported = undefined;
    if (this.#uri.ok) {
      this.#debug(
        this.#registration$.value.options.logger,
        'stopped watching (the channel went idle or closed)',
      );
    }
  }

  #resolutions(): Observable<Resolution> {
    const uri = this.#uri;
    const resolutions: Observable<Resolution> = uri.ok
      ? this.#registration$.pipe(switchMap((registration) => this.#resolutionsOf(uri.service, registration)))
      : of<Resolution>({
          kind: 'failed',
          details: uri.problem,
          logger: this.#registration$.value.options.logger,
        });
    // grpc-js forbids calling the listener synchronously with updateResolution(), and a registry such
    // as InMemoryRegistry lists at once. Unsubscribing also drops a result not delivered yet, so
    // nothing reaches grpc-js after destroy().
    return resolutions.pipe(observeOn(asapScheduler));
  }

  #resolutionsOf(service: string, { discovery, options }: DiscoveryRegistration): Observable<Resolution> {
    const { logger } = options;
    return new Observable<NodeSetState>((subscriber) => {
      this.#debug(
        logger,
        'watching the registry (calls wait for the first instances, bounded by their deadline)',
      );
      const nodes = watchNodes(discovery, service, {
        schemes: [options.secure ? 'grpcs' : 'grpc'],
        filters: options.filters,
        emptyGrace: options.emptyGrace,
        logger,
        scheduler: options.scheduler,
      });
      const subscription = nodes.state$.subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        nodes.close();
      };
    }).pipe(
      // Reporting nothing while resolving keeps the first calls queued (until their deadline) instead
      // of failing them before the registry has answered, as Kratos' "no_available_node" does.
      filter((state) => state.kind !== 'resolving'),
      map((state): Resolution =>
        state.kind === 'ready'
          ? { kind: 'nodes', endpoints: endpointsOf(state.nodes), logger }
          : { kind: 'empty', emptyGrace: options.emptyGrace, logger },
      ),
      catchError((error: unknown) =>
        of<Resolution>({
          kind: 'failed',
          details: `Cannot resolve "${experimental.uriToString(this.#target)}": ${describeError(error)}`,
          logger,
        }),
      ),
    );
  }

  #report(resolution: Resolution): void {
    switch (resolution.kind) {
      case 'nodes':
        this.#reportNodes(resolution.endpoints, resolution.logger);
        return;
      case 'empty':
        this.#reportEmpty(resolution.emptyGrace, resolution.logger);
        return;
      case 'failed':
        this.#reportFailure(resolution.details, resolution.logger);
    }
  }

  #reportNodes(endpoints: experimental.Endpoint[], logger: Logger): void {
    const addresses = endpoints.flatMap((endpoint) =>
      endpoint.addresses.map(experimental.subchannelAddressToString),
    );
    const key = addresses.join(',');
    // A list that differs only in what the channel does not use (metadata, versions) would make the
    // policy rebuild its subchannel list for nothing.
    if (key === this.#reported) return;
    this.#reported = key;
    const serviceConfig = this.#serviceConfig(logger);
    if (this.#debugEnabled(logger)) {
      const listed =
        addresses.length > LISTED_ADDRESSES
          ? `${addresses.slice(0, LISTED_ADDRESSES).join(', ')}, … ${addresses.length - LISTED_ADDRESSES} more`
          : addresses.join(', ');
      const policy = serviceConfig ? 'round_robin' : "the channel's service config";
      this.#debug(
        logger,
        `${addresses.length} address${addresses.length === 1 ? '' : 'es'} [${listed}], balanced by ${policy}`,
        { addresses },
      );
    }
    if (!this.#listener(experimental.statusOrFromValue(endpoints), {}, serviceConfig, '')) {
      this.#debug(logger, "the channel's load-balancing policy did not accept the addresses", { addresses });
    }
  }

  #reportEmpty(emptyGrace: number, logger: Logger): void {
    const details = `no instances of ${this.#service()}`;
    this.#debug(logger, `no instances for ${emptyGrace} ms: calls fail with UNAVAILABLE "${details}"`);
    this.#reportError(details);
  }

  #reportFailure(details: string, logger: Logger): void {
    if (!this.#warnedInvalidTarget) {
      this.#warnedInvalidTarget = true;
      logger.warn(
        { target: experimental.uriToString(this.#target) },
        `${details} Calls fail with UNAVAILABLE.`,
      );
    }
    this.#reportError(details);
  }

  /**
   * Fails the channel's calls with UNAVAILABLE `details`, whatever its policy held. round_robin and
   * pick_first both ignore an error while they hold addresses, so the addresses are withdrawn first,
   * and both reports carry round_robin (with the `retry` method configs unless the channel has its
   * own config): the one policy that lets go of every address on an empty
   * list (pick_first keeps its connection) and then shows the error to calls. The channel's own
   * service config comes back with the next addresses; calls made meanwhile fail at once anyway.
   */
  #reportError(details: string): void {
    const methodConfig = this.#channelConfig() === undefined ? this.#methodConfig() : [];
    const roundRobin = experimental.statusOrFromValue(roundRobinConfig(methodConfig));
    if (this.#reported !== undefined)
      this.#listener(experimental.statusOrFromValue([]), {}, roundRobin, details);
    this.#reported = undefined;
    this.#listener(
      experimental.statusOrFromError({ code: status.UNAVAILABLE, details }),
      {},
      roundRobin,
      details,
    );
  }

  /**
   * round_robin with the `retry` option's method configs, unless the channel brings its own
   * `grpc.service_config` (or disabled resolver configs): grpc-js takes a resolver's config
   * *instead of* the channel's, which would drop the channel's method configs (timeouts, retries),
   * so `null` lets the channel's apply. The `retry` option is then not applied: warned once.
   */
  #serviceConfig(logger: Logger): experimental.StatusOr<ServiceConfig> | null {
    const own = this.#channelConfig();
    if (own === undefined) return experimental.statusOrFromValue(roundRobinConfig(this.#methodConfig()));
    if (this.#methodConfig().length > 0 && !this.#warnedRetryNotApplied) {
      this.#warnedRetryNotApplied = true;
      const service = this.#service();
      logger.warn(
        { service },
        `gRPC resolver of "${service}": the retry option of registerDiscoveryResolver is not applied to this channel, which has ${own}; put the retryPolicy in the channel's grpc.service_config instead`,
      );
    }
    return null;
  }

  /** What makes the channel's own service config apply, if anything does. */
  #channelConfig(): string | undefined {
    if (this.#channelOptions['grpc.service_config']) return 'its own grpc.service_config';
    if (this.#channelOptions['grpc.service_config_disable_resolution'] === 1)
      return 'grpc.service_config_disable_resolution';
    return undefined;
  }

  #methodConfig(): readonly MethodConfig[] {
    return this.#registration$.value.options.methodConfig;
  }

  #service(): string {
    return this.#uri.ok ? this.#uri.service : experimental.uriToString(this.#target);
  }

  #debugEnabled(logger: Logger): boolean {
    return logger.isLevelEnabled?.('debug') !== false;
  }

  #debug(logger: Logger, message: string, fields: object = {}): void {
    if (!this.#debugEnabled(logger)) return;
    const service = this.#service();
    logger.debug({ service, ...fields }, `gRPC resolver of "${service}": ${message}`);
  }
}

function roundRobinConfig(methodConfig: readonly MethodConfig[]): ServiceConfig {
  return { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [...methodConfig] };
}
