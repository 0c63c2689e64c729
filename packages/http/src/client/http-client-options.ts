import type { ConnectionOptions } from 'node:tls';
import type { Logger, ServiceDiscovery } from '@kratos-ts/core';
import type { NodeFilter, Selector } from '@kratos-ts/discovery';
import type { SchedulerLike } from 'rxjs';

/** How a request is retried. */
export interface HttpRetryOptions {
  /**
   * The most retries after the first attempt (so at most `max + 1` attempts), an integer >= 0.
   * Default 2.
   */
  readonly max: number;
}

/**
 * What `createHttpClient` takes. Only `target` is required (and `discovery` for a `discovery:///`
 * target). Every duration is in milliseconds.
 *
 * @example
 * createHttpClient({ target: 'discovery:///greeter', discovery: registry, timeout: 2_000 });
 * createHttpClient({ target: 'http://127.0.0.1:8000', retry: false });
 */
export interface HttpClientOptions {
  /**
   * `discovery:///<service>` (the instances `discovery` lists), or one fixed address:
   * `http://host:port`, `https://host:port` or `host:port` (http unless `secure: true`).
   */
  readonly target: string;
  /** Where the instances of a `discovery:///` target are found (a registry). Unused by fixed targets. */
  readonly discovery?: ServiceDiscovery | undefined;
  /** Picks one node per attempt and learns from each attempt's outcome. Default `p2c()`. */
  readonly selector?: Selector | undefined;
  /** Narrow the nodes a discovery target may use, in order (e.g. `version('2.0.0')`). Default none. */
  readonly filters?: readonly NodeFilter[] | undefined;
  /**
   * The single deadline of one `request()`: waiting for the first instances, every attempt and
   * every retry. No attempt starts after it. A finite number > 0. Default 10000.
   */
  readonly timeout?: number | undefined;
  /** `{ max }` retries on another node when that is safe (see `createHttpClient`); `false` for none. Default `{ max: 2 }`. */
  readonly retry?: HttpRetryOptions | false | undefined;
  /**
   * How long the registry's list of a discovery target may stay empty before requests fail fast
   * with `KRATOS_NO_INSTANCES` (until then the last nodes are kept). Default 1000 (`DISCOVERY_DEFAULTS`).
   */
  readonly emptyGrace?: number | undefined;
  /**
   * `true` to call over TLS: a discovery target uses its instances' `https://` endpoints instead of
   * their `http://` ones; a `host:port` target is called with `https`. Default: `false`, or what the
   * target's own scheme says.
   */
  readonly secure?: boolean | undefined;
  /** TLS options of every connection (`ca`, `cert`, `key`, `servername`, `rejectUnauthorized` …), for https. */
  readonly tls?: ConnectionOptions | undefined;
  /**
   * The most bytes of a response body `request()` reads into memory: past it (or when the
   * content-length says so) the response is aborted and `request()` rejects with
   * `KRATOS_HTTP_CLIENT_RESPONSE_TOO_LARGE`, so that no answer can exhaust the process's memory.
   * `stream()` is not bounded by it. An integer >= 1. Default 33554432 (32 MiB).
   */
  readonly maxResponseBytes?: number | undefined;
  /** Debug logs (pools opened and closed, retries, node list changes), each naming the service. Default silent. */
  readonly logger?: Logger | undefined;
  /** Where the deadline and the node set's timers run; a `VirtualTimeScheduler` in tests. Default async. */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The defaults of `HttpClientOptions`. */
export const HTTP_CLIENT_DEFAULTS = Object.freeze({
  /** Milliseconds one `request()` may take in all, including waiting for the first instances. */
  timeout: 10_000,
  /** Retries after the first attempt. */
  retry: Object.freeze({
    /** At most 2 retries, so at most 3 attempts per request. */
    max: 2,
  }),
  /** Bytes of a response body `request()` reads at most: 32 MiB. */
  maxResponseBytes: 32 * 1024 * 1024,
});
