import type { Logger } from '@kratos-ts/core';
import { KratosError } from '@kratos-ts/core';
import type { Etcd3, IOptions } from 'etcd3';
import type { SchedulerLike } from 'rxjs';
import type { BackoffOptions } from './backoff.js';
import { EtcdErrorCode } from './etcd-error-codes.js';

/**
 * Options of `EtcdRegistry`. Durations are in milliseconds except `ttl`, in seconds as etcd counts it.
 *
 * @example
 * new EtcdRegistry({ hosts: ['http://127.0.0.1:2379'], ttl: 15 });
 * new EtcdRegistry({ client: new Etcd3({ hosts: 'http://10.0.0.7:2379' }) }); // you close the client
 */
export interface EtcdRegistryOptions {
  /** etcd endpoints, with their `http://` or `https://` scheme. Required unless `client` is given. */
  readonly hosts?: string | readonly string[];
  /**
   * An etcd3 client to use instead of creating one. The registry never closes it. Its fault
   * handling is yours: etcd3's defaults (a 5 s circuit breaker, a 30 s watch backoff) slow recovery.
   */
  readonly client?: Etcd3;
  /** Key prefix, as in Kratos. Default `/microservices`. Must start with `/` and not end with one. */
  readonly namespace?: string;
  /** Lease TTL in seconds, an integer ≥ 2 (etcd raises smaller TTLs). Default 15. */
  readonly ttl?: number;
  /** etcd user and password, passed to etcd3. */
  readonly auth?: IOptions['auth'];
  /** TLS credentials (root certificate, client key and chain), passed to etcd3. */
  readonly credentials?: IOptions['credentials'];
  /**
   * How long one etcd request may take before it fails, in ms. Default 3000: with etcd unreachable,
   * `register` fails within about twice this (one failover retry), well inside `registrarTimeout`.
   */
  readonly requestTimeout?: number;
  /** Backoff between re-registration attempts and watch re-establishments. Retries never stop. */
  readonly backoff?: BackoffOptions;
  /** Where to log lease losses, retries and recoveries. Default: the core's `silentLogger`. */
  readonly logger?: Logger;
  /** The scheduler backoff delays run on. Default RxJS' `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** The defaults of `EtcdRegistryOptions`. */
export const DEFAULT_ETCD_OPTIONS = Object.freeze({
  namespace: '/microservices',
  ttl: 15,
  requestTimeout: 3_000,
});

/** The lowest TTL etcd keeps as given; it raises smaller ones to its own minimum. */
export const MIN_TTL_SECONDS = 2;

/** Throws a `KRATOS_ETCD_INVALID_OPTIONS` error listing every problem of `options`. */
export function validateOptions(options: EtcdRegistryOptions): void {
  const problems: string[] = [];
  const hosts = hostList(options);
  if (!options.client && hosts.length === 0) {
    problems.push('no etcd hosts: pass hosts: ["http://127.0.0.1:2379"] or a client: new Etcd3(...)');
  }
  for (const host of hosts) {
    if (!/^https?:\/\/[^/]+$/.test(host)) {
      problems.push(`host "${host}" is not "http://host:port" or "https://host:port"`);
    }
  }
  const ttl = options.ttl ?? DEFAULT_ETCD_OPTIONS.ttl;
  if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS) {
    problems.push(
      `ttl ${ttl} is not a whole number of seconds ≥ ${MIN_TTL_SECONDS}: etcd would raise it to its own minimum lease TTL, so keys would outlive the TTL you set. Use ttl: ${MIN_TTL_SECONDS} or more`,
    );
  }
  const namespace = options.namespace ?? DEFAULT_ETCD_OPTIONS.namespace;
  if (!namespace.startsWith('/') || namespace.endsWith('/')) {
    problems.push(`namespace "${namespace}" must start with "/" and not end with one, like "/microservices"`);
  }
  const requestTimeout = options.requestTimeout ?? DEFAULT_ETCD_OPTIONS.requestTimeout;
  if (!(requestTimeout > 0) || !Number.isFinite(requestTimeout)) {
    problems.push(`requestTimeout ${requestTimeout} must be a positive number of milliseconds`);
  }
  if (problems.length > 0) {
    throw new KratosError(
      EtcdErrorCode.InvalidOptions,
      `Invalid EtcdRegistry options: ${problems.join('; ')}.`,
    );
  }
}

/** The hosts as a list (`hosts` may be one string). */
export function hostList(options: Pick<EtcdRegistryOptions, 'hosts'>): readonly string[] {
  const { hosts } = options;
  if (hosts === undefined) return [];
  return typeof hosts === 'string' ? [hosts] : hosts;
}
