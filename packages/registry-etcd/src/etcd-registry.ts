import {
  KratosError,
  safeLogger,
  silentLogger,
  type Logger,
  type ServiceDiscovery,
  type ServiceInstance,
  type ServiceRegistrar,
} from '@kratos-ts/core';
import type { Etcd3 } from 'etcd3';
import { Observable, asyncScheduler, type SchedulerLike, type Subscriber } from 'rxjs';
import { abortable } from './abortable.js';
import type { BackoffOptions } from './backoff.js';
import type { EtcdCallTracker } from './etcd-call-tracker.js';
import { createEtcdClient } from './etcd-client.js';
import { EtcdErrorCode } from './etcd-error-codes.js';
import {
  abortedFailure,
  deregisterFailure,
  isUnavailable,
  queryFailure,
  registerFailure,
  type EtcdFailureContext,
} from './etcd-failure.js';
import { etcdLeaseGrantor } from './registration/etcd-lease.js';
import { answerProbe } from './registration/answer-probe.js';
import { gaveUpRegistering } from './registration/gave-up-registering.js';
import { requestDeadline } from './request-deadline.js';
import {
  ETCD_REGISTRY_DEFAULTS,
  hostList,
  validateOptions,
  type EtcdRegistryOptions,
} from './etcd-registry-options.js';
import { etcdServiceWatch } from './watch/etcd-service-watch.js';
import { decodeInstance, encodeInstance } from './instance-codec.js';
import { reportKeepaliveStall } from './registration/keepalive-stall.js';
import { LeaseKeeper } from './registration/lease-keeper.js';
import { oversizedPut } from './request-size.js';
import { invalidKeySegment, serviceKey, servicePrefix } from './service-key.js';
import { shownKey } from './shown-key.js';
import { watchService } from './watch/watch-service.js';

/**
 * A `ServiceRegistrar` and `ServiceDiscovery` on etcd, with the key layout and JSON of Kratos' etcd
 * registry (`{namespace}/{name}/{id}` → `{"id","name","version","metadata","endpoints"}`), so Go
 * Kratos services and ours discover each other. Each registered instance has its own lease of
 * `ttl` seconds, kept alive, and is re-registered after any loss of it, forever, until deregistered.
 * See docs/registry.md.
 *
 * @example
 * const registry = new EtcdRegistry({ hosts: ['http://127.0.0.1:2379'], ttl: 15 });
 * container.bind(REGISTRAR).toConstantValue(registry);
 * // … after the app stopped:
 * await registry.close();
 */
export class EtcdRegistry implements ServiceRegistrar, ServiceDiscovery {
  readonly #client: Etcd3;
  readonly #ownsClient: boolean;
  /** The calls of the client the registry created, cut when `close()` runs out of time. */
  readonly #calls: EtcdCallTracker | undefined;
  readonly #closeTimeout: number;
  readonly #outageWarnAfter: number;
  readonly #hosts: string;
  readonly #namespace: string;
  readonly #ttl: number;
  readonly #requestTimeout: number;
  readonly #maxRequestBytes: number;
  readonly #backoff: BackoffOptions;
  readonly #logger: Logger;
  readonly #scheduler: SchedulerLike;
  readonly #keepers = new Map<string, LeaseKeeper>();
  readonly #watchers = new Set<Subscriber<ServiceInstance[]>>();
  readonly #cleanups = new Set<Promise<unknown>>();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Throws a `KRATOS_ETCD_INVALID_OPTIONS` error when the options are invalid (e.g. `ttl` < 2). */
  constructor(options: EtcdRegistryOptions) {
    validateOptions(options);
    const hosts = hostList(options);
    this.#namespace = options.namespace ?? ETCD_REGISTRY_DEFAULTS.namespace;
    this.#ttl = options.ttl ?? ETCD_REGISTRY_DEFAULTS.ttl;
    this.#requestTimeout = options.requestTimeout ?? ETCD_REGISTRY_DEFAULTS.requestTimeout;
    this.#maxRequestBytes = options.maxRequestBytes ?? ETCD_REGISTRY_DEFAULTS.maxRequestBytes;
    this.#backoff = { ...ETCD_REGISTRY_DEFAULTS.backoff, ...options.backoff };
    // A log call that throws must never fail a registration, a re-registration or a watch.
    this.#logger = safeLogger(options.logger ?? silentLogger);
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#hosts = hosts.length > 0 ? hosts.join(', ') : 'the hosts of the given etcd3 client';
    this.#closeTimeout = options.closeTimeout ?? ETCD_REGISTRY_DEFAULTS.closeTimeout;
    this.#outageWarnAfter = options.outageWarnAfter ?? ETCD_REGISTRY_DEFAULTS.outageWarnAfter;
    this.#ownsClient = options.client === undefined;
    if (options.client) {
      this.#client = options.client;
    } else {
      const owned = createEtcdClient(hosts, options, this.#backoff);
      this.#client = owned.client;
      this.#calls = owned.calls;
    }
  }

  /**
   * Stores the instance under `{namespace}/{name}/{id}` on a new lease of `ttl` seconds and keeps it
   * there until `deregister`: the lease is kept alive, and re-granted and the key put again after
   * any loss, forever. Registering the same name and id again replaces the instance.
   * While registered, a key that disappears (deleted out of band, or by another registry holding
   * the same instance id) is put back on the same lease at once.
   * While etcd does not answer (down, restarting, frozen), the registration is retried with
   * `backoff` until `signal` aborts (the kernel aborts it at `registrarTimeout`); a wait ends
   * early as soon as etcd answers a probe. Without a `signal`, the first failure rejects at once.
   * Rejects with `KRATOS_ETCD_UNAVAILABLE` (etcd did not answer; after retrying, the message names
   * the attempts and the last failure), `KRATOS_ETCD_REGISTER_FAILED`
   * (etcd refused), `KRATOS_ETCD_REQUEST_TOO_LARGE` (key and value over `maxRequestBytes`, checked
   * before sending, or over etcd's own limit), `KRATOS_ETCD_ABORTED` (`signal` aborted first;
   * nothing is left registered) or `KRATOS_ETCD_INVALID_INSTANCE`.
   */
  async register(instance: ServiceInstance, signal?: AbortSignal): Promise<void> {
    this.#assertOpen('register');
    assertValidInstance(instance);
    const key = serviceKey(this.#namespace, instance.name, instance.id);
    const shown = shownKey(key);
    const value = encodeInstance(instance);
    const oversized = oversizedPut(key, shown, value, this.#maxRequestBytes);
    if (oversized) throw oversized;
    const context: EtcdFailureContext = { hosts: this.#hosts, key: shown };
    const keeper = new LeaseKeeper(
      etcdLeaseGrantor({
        client: this.#client,
        key,
        value,
        ttl: this.#ttl,
        requestTimeout: this.#requestTimeout,
        track: (cleanup) => this.#track(cleanup),
        watchKeepalive: (lease, leaseId) =>
          reportKeepaliveStall(lease, {
            key: shown,
            leaseId,
            hosts: this.#hosts,
            ttl: this.#ttl,
            warnAfter: this.#outageWarnAfter,
            scheduler: this.#scheduler,
            logger: this.#logger,
          }),
      }),
      {
        key: shown,
        logger: this.#logger,
        backoff: this.#backoff,
        scheduler: this.#scheduler,
        startFailure: (error) => registerFailure(error, context),
        abortFailure: (action, reason, lastFailure) =>
          lastFailure
            ? gaveUpRegistering(reason, lastFailure, context)
            : abortedFailure(action, reason, context),
        // Wait for an etcd that does not answer (down, restarting, frozen); a refusal is final.
        retryFirst: (error) => registerFailure(error, context).code === EtcdErrorCode.Unavailable,
        // Any answer from etcd, a refusal included, ends a backoff wait: etcd is back.
        registryAnswers: () =>
          answerProbe(
            () =>
              this.#client
                .get(key)
                .options(requestDeadline(this.#requestTimeout))
                .exists()
                .catch((error: unknown) => {
                  if (isUnavailable(error)) throw error;
                }),
            { scheduler: this.#scheduler },
          ),
        stopFailure: (error) => deregisterFailure(error, context, this.#ttl),
      },
    );
    await keeper.start(signal);
    if (this.#closed) {
      // close() ran while this registration was in flight: undo it rather than leave a keepalive behind.
      await keeper.stop(AbortSignal.timeout(this.#requestTimeout)).catch(() => undefined);
      throw closedError('register');
    }
    const previous = this.#keepers.get(key);
    this.#keepers.set(key, keeper);
    this.#logger.info(
      { key: shown, leaseId: keeper.lease?.id, ttl: this.#ttl },
      `Registered "${shown}" in etcd with a ${this.#ttl} s lease`,
    );
    // The key is on the new lease now, so revoking the old one does not delete it.
    if (previous)
      this.#track(
        previous
          .stop()
          .catch((error: unknown) =>
            this.#logger.warn({ key: shown, err: error }, 'Could not revoke a replaced lease'),
          ),
      );
  }

  /**
   * Stops the instance's keepalive and re-registration and revokes its lease, so its key disappears
   * at once. Does nothing for an instance this registry does not hold. Rejects with
   * `KRATOS_ETCD_DEREGISTER_FAILED` when etcd does not revoke (the key then expires after `ttl`)
   * or `KRATOS_ETCD_ABORTED`.
   */
  async deregister(instance: ServiceInstance, signal?: AbortSignal): Promise<void> {
    const key = serviceKey(this.#namespace, instance.name, instance.id);
    const keeper = this.#keepers.get(key);
    if (!keeper) return;
    this.#keepers.delete(key);
    await keeper.stop(signal);
    this.#logger.info({ key: keeper.key }, `Deregistered "${keeper.key}" from etcd`);
  }

  /**
   * The instances registered under exactly `name`: the keys under `{namespace}/{name}/`, with the
   * trailing slash, so `greeter` never matches `greeter-admin`. Values that are not instances, or
   * name another service, are skipped. Rejects with `KRATOS_ETCD_QUERY_FAILED` or `KRATOS_ETCD_ABORTED`.
   */
  async getService(name: string, signal?: AbortSignal): Promise<ServiceInstance[]> {
    this.#assertOpen('getService');
    const prefix = servicePrefix(this.#namespace, name);
    const context: EtcdFailureContext = { hosts: this.#hosts, key: shownKey(prefix) };
    const request = this.#client
      .getAll()
      .prefix(prefix)
      .options(requestDeadline(this.#requestTimeout))
      .strings()
      .catch((error: unknown) => {
        throw queryFailure(error, context);
      });
    const values = await abortable(request, signal, (reason) => abortedFailure('Reading', reason, context));
    return Object.values(values)
      .map(decodeInstance)
      .filter((instance): instance is ServiceInstance => instance?.name === name);
  }

  /**
   * The instances of `name`: the full list on subscribe, then again after every change. The etcd
   * watch is re-established (and the full list emitted again) after any error, with backoff,
   * forever; unsubscribing cancels it. `close()` completes every watch. A watch cut from etcd for
   * over `outageWarnAfter` warns once, naming the hosts and the service, and logs its recovery once.
   */
  watch(name: string): Observable<ServiceInstance[]> {
    const prefix = servicePrefix(this.#namespace, name);
    const watched = watchService(
      (outage) =>
        etcdServiceWatch({
          client: this.#client,
          prefix,
          name,
          requestTimeout: this.#requestTimeout,
          logger: this.#logger,
          track: (cleanup) => this.#track(cleanup),
          outage,
        }),
      {
        name: shownKey(name),
        logger: this.#logger,
        backoff: this.#backoff,
        scheduler: this.#scheduler,
        hosts: this.#hosts,
        warnAfter: this.#outageWarnAfter,
      },
    );
    return new Observable<ServiceInstance[]>((subscriber) => {
      if (this.#closed) {
        subscriber.error(closedError('watch'));
        return undefined;
      }
      this.#watchers.add(subscriber);
      const subscription = watched.subscribe(subscriber);
      return () => {
        this.#watchers.delete(subscriber);
        subscription.unsubscribe();
      };
    });
  }

  /**
   * Deregisters every instance still registered (best effort), completes every watch, waits for
   * their etcd calls to end (each within `requestTimeout`), and closes the etcd client if the
   * registry created it. Bounded: after `closeTimeout` (default 3000 ms) it stops waiting, closes
   * the client and cuts every etcd call still open (with a warning), so an etcd that does not
   * answer (frozen, unreachable) never keeps the process alive. Leaves no timer or stream behind.
   * Idempotent: a second call returns the first one's promise. A `client` you passed is not closed,
   * and its calls are not cut: close it yourself.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#closeTimeout);
      // The bound itself must not be what keeps the process alive.
      timer.unref();
    });
    const late = await Promise.race([this.#closeGracefully().then(() => false), timedOut]);
    clearTimeout(timer);
    if (!this.#ownsClient) {
      if (late)
        this.#logger.warn(
          { hosts: this.#hosts, closeTimeoutMs: this.#closeTimeout },
          `Closing the etcd registry took over closeTimeout (${this.#closeTimeout} ms): etcd (${this.#hosts}) did not answer. Its calls on the etcd3 client you passed may still be open: close that client.`,
        );
      return;
    }
    this.#client.close();
    // Closing gRPC channels does not end their open calls; cutting them lets the sockets go.
    const cut = this.#calls?.cancelAll('EtcdRegistry.close() ran out of closeTimeout') ?? 0;
    if (late)
      this.#logger.warn(
        { hosts: this.#hosts, closeTimeoutMs: this.#closeTimeout, cutCalls: cut },
        `Closing the etcd registry took over closeTimeout (${this.#closeTimeout} ms): etcd (${this.#hosts}) did not answer, so ${cut} etcd call(s) still open were cut. Leases not revoked expire after their ttl (${this.#ttl} s).`,
      );
  }

  async #closeGracefully(): Promise<void> {
    const keepers = [...this.#keepers.values()];
    this.#keepers.clear();
    const stops = keepers.map((keeper) =>
      keeper
        .stop(AbortSignal.timeout(this.#requestTimeout))
        .catch((error: unknown) =>
          this.#logger.warn(
            { key: keeper.key, err: error },
            `Could not deregister "${keeper.key}" while closing the registry`,
          ),
        ),
    );
    for (const subscriber of [...this.#watchers]) subscriber.complete();
    await Promise.all(stops);
    while (this.#cleanups.size > 0) await Promise.allSettled([...this.#cleanups]);
  }

  /** Keeps a clean-up that outlives its call, so `close()` waits for it (at most `requestTimeout`). */
  #track(cleanup: Promise<unknown>): void {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#requestTimeout);
      // A clean-up still pending after close() gave up must not keep the process alive.
      timer.unref();
    });
    const bounded: Promise<unknown> = Promise.race([cleanup, timeout]).finally(() => {
      clearTimeout(timer);
      this.#cleanups.delete(bounded);
    });
    this.#cleanups.add(bounded);
  }

  #assertOpen(method: string): void {
    if (this.#closed) throw closedError(method);
  }
}

function closedError(method: string): KratosError {
  return new KratosError(
    EtcdErrorCode.Closed,
    `EtcdRegistry.${method}() was called after close(). Create a new EtcdRegistry, or close it only after the app stopped.`,
  );
}

function assertValidInstance(instance: ServiceInstance): void {
  const problems = [
    ['name', instance.name],
    ['id', instance.id],
  ].flatMap(([field, value]) => {
    const problem = invalidKeySegment(value ?? '');
    return problem ? [`its ${field} "${value}" ${problem}`] : [];
  });
  if (problems.length > 0) {
    throw new KratosError(
      EtcdErrorCode.InvalidInstance,
      `Cannot register instance "${shownKey(`${instance.name}/${instance.id}`)}" in etcd: ${problems.join(' and ')}, but each is one segment of the key {namespace}/{name}/{id}. Set KratosOptions.name and id without "/".`,
    );
  }
}
