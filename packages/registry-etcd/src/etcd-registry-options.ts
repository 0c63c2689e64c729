import { hasUserinfo, redact, type Logger } from '@kratos-ts/core';
import {
  checkDuration,
  checkInteger,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkOptionsObject,
  checkScheduler,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { Etcd3, type IOptions } from 'etcd3';
import type { SchedulerLike } from 'rxjs';
import { BACKOFF_DEFAULTS, type BackoffOptions } from './backoff.js';
import { EtcdErrorCode } from './etcd-error-codes.js';
import { ourEtcd3 } from './our-etcd3.js';
import { ETCD_MAX_REQUEST_BYTES } from './request-size.js';

/**
 * Options of `EtcdRegistry`. Durations are in milliseconds except `ttl`, in seconds as etcd counts it.
 *
 * @example
 * new EtcdRegistry({ hosts: ['http://127.0.0.1:2379'], ttl: 15 });
 * new EtcdRegistry({ client: new Etcd3({ hosts: 'http://10.0.0.7:2379' }) }); // you close the client
 */
export interface EtcdRegistryOptions {
  /**
   * etcd endpoints, with their `http://` or `https://` scheme. Required unless `client` is given.
   * A host with credentials in its URL (`http://user:pw@host:2379`) is refused: use `auth`.
   */
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
  /** etcd user and password, passed to etcd3. Never echoed in an error or a log line. */
  readonly auth?: IOptions['auth'];
  /** TLS credentials (root certificate, client key and chain), passed to etcd3. */
  readonly credentials?: IOptions['credentials'];
  /**
   * How long one etcd request may take before it fails, in ms. Default 3000: with etcd unreachable,
   * one request fails within (hosts + 1) × this: each attempt (etcd3's failover retry, once per
   * host) gets its own deadline. `register` retries until its signal aborts (`registrarTimeout`).
   */
  readonly requestTimeout?: number;
  /**
   * The largest put (key and value, in bytes) `register` sends; a larger instance is refused with
   * `KRATOS_ETCD_REQUEST_TOO_LARGE` before anything reaches etcd. Default 1572864 (1.5 MiB), etcd's
   * default `--max-request-bytes`: set it to your etcd's value if you changed that.
   */
  readonly maxRequestBytes?: number;
  /** Backoff between re-registration attempts and watch re-establishments. Retries never stop. */
  readonly backoff?: BackoffOptions;
  /**
   * Where to log lease losses, key repairs, retries and recoveries. Default: the core's
   * `silentLogger`. Wrapped in `safeLogger`: a log method that throws loses that line, nothing else.
   */
  readonly logger?: Logger;
  /** The scheduler backoff delays run on. Default RxJS' `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * How long `close()` may take, in ms. Default 3000. Past it, every etcd call still open (a revoke,
   * a watch or keepalive stream waiting on an etcd that does not answer) is cut and the client
   * closed, so nothing the registry opened keeps the process alive.
   */
  readonly closeTimeout?: number;
  /**
   * How long a watch may stay disconnected from etcd before a warning names the hosts and the
   * service, in ms. Default 5000. One warning per outage, and one line when the watch is back.
   * The same delay without an answer to a lease keepalive warns too, before the lease can expire.
   */
  readonly outageWarnAfter?: number;
}

/**
 * The defaults of `EtcdRegistryOptions`: what `new EtcdRegistry(options)` uses for each option left
 * out. `logger` defaults to the core's `silentLogger` and `scheduler` to RxJS' `asyncScheduler`.
 */
export const ETCD_REGISTRY_DEFAULTS = Object.freeze({
  /** Key prefix, as in Kratos: instances live under `/microservices/<name>/<id>`. */
  namespace: '/microservices',
  /** Lease TTL in seconds: a crashed instance's key disappears at most this long after its last keepalive. */
  ttl: 15,
  /** How long one etcd request may take, in ms. */
  requestTimeout: 3_000,
  /** The largest put `register` sends, in bytes: etcd's default `--max-request-bytes` (1.5 MiB). */
  maxRequestBytes: ETCD_MAX_REQUEST_BYTES,
  /** Re-registration and watch backoff: 0 ms, then 200 ms doubling up to 2 s, each minus up to 20 % at random. */
  backoff: BACKOFF_DEFAULTS,
  /** How long `close()` may take before it cuts what etcd did not end, in ms. */
  closeTimeout: 3_000,
  /** How long a watch may stay disconnected, or a keepalive unanswered, before a warning, in ms. */
  outageWarnAfter: 5_000,
});

/** The lowest TTL etcd keeps as given; it raises smaller ones to its own minimum. */
export const MIN_TTL_SECONDS = 2;

const KNOWN_OPTIONS = [
  'hosts',
  'client',
  'namespace',
  'ttl',
  'auth',
  'credentials',
  'requestTimeout',
  'maxRequestBytes',
  'backoff',
  'logger',
  'scheduler',
  'closeTimeout',
  'outageWarnAfter',
];
const BACKOFF_KEYS = ['initial', 'max', 'jitter', 'random'];

/** Throws a `KRATOS_ETCD_INVALID_OPTIONS` error listing every problem of `options`. */
export function validateOptions(options: EtcdRegistryOptions): void {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, '{ hosts: ["http://127.0.0.1:2379"] }');
  const isObject = raw === options;
  checkKnownKeys(problems, raw, KNOWN_OPTIONS);
  const { hosts, client } = raw;
  const clientLike = checkMethods(
    problems,
    'client',
    client,
    ['lease', 'getAll', 'watch'],
    'an etcd3 client',
    {
      hint: 'pass new Etcd3(...), or leave it out and pass hosts',
    },
  );
  if (clientLike && client !== undefined && !(client instanceof Etcd3)) {
    const ours = ourEtcd3();
    problems.push(
      `client is an Etcd3 of another copy of etcd3 than the one @kratos-ts/registry-etcd uses (${ours.folder}, version ${ours.version}): the registry would not recognise its errors (an outage, a lost lease). Keep one copy: \`npm ls etcd3\` shows them; install etcd3 in a version the registry accepts and run \`npm dedupe\`, or pin it with "overrides"`,
    );
  }
  const hostsGiven: readonly unknown[] =
    typeof hosts === 'string' ? [hosts] : Array.isArray(hosts) ? (hosts as unknown[]) : [];
  if (hosts !== undefined && typeof hosts !== 'string' && !Array.isArray(hosts)) {
    problems.push(
      `hosts must be a URL or an array of URLs such as ["http://127.0.0.1:2379"], got ${describeValue(hosts)}`,
    );
  } else if (isObject && client === undefined && hostsGiven.length === 0) {
    problems.push('no etcd hosts: pass hosts: ["http://127.0.0.1:2379"] or a client: new Etcd3(...)');
  }
  for (const host of hostsGiven) {
    if (typeof host === 'string' && hasUserinfo(host)) {
      // A URL's userinfo ends up in every message that names the hosts; `auth` is never echoed.
      problems.push(
        `host ${describeValue(redact(host))} carries credentials in its URL: pass them as auth: { username, password } and list the host without them`,
      );
    } else if (typeof host !== 'string' || !/^https?:\/\/[^/]+$/.test(host)) {
      problems.push(
        `host ${typeof host === 'string' ? describeValue(redact(host)) : describeValue(host)} is not "http://host:port" or "https://host:port": add the scheme, drop any path`,
      );
    }
  }
  const ttl = raw.ttl ?? ETCD_REGISTRY_DEFAULTS.ttl;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS) {
    problems.push(
      `ttl ${describeValue(ttl)} is not a whole number of seconds ≥ ${MIN_TTL_SECONDS}: etcd would raise it to its own minimum lease TTL, so keys would outlive the TTL you set. Use ttl: ${MIN_TTL_SECONDS} or more`,
    );
  }
  const namespace = raw.namespace ?? ETCD_REGISTRY_DEFAULTS.namespace;
  if (typeof namespace !== 'string' || !namespace.startsWith('/') || namespace.endsWith('/')) {
    problems.push(
      `namespace ${describeValue(namespace)} must start with "/" and not end with one, like "/microservices"`,
    );
  }
  for (const key of ['requestTimeout', 'closeTimeout', 'outageWarnAfter'] as const) {
    checkDuration(problems, key, raw[key], {
      zero: false,
      hint: `leave it out for the default (${ETCD_REGISTRY_DEFAULTS[key]})`,
    });
  }
  checkInteger(problems, 'maxRequestBytes', raw.maxRequestBytes, {
    unit: 'bytes',
    hint: `your etcd's --max-request-bytes; leave it out for etcd's default (${ETCD_REGISTRY_DEFAULTS.maxRequestBytes})`,
  });
  for (const key of ['auth', 'credentials'] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'object' || raw[key] === null)) {
      problems.push(
        `${key} must be an object of etcd3's ${key === 'auth' ? '{ username, password }' : '{ rootCertificate, privateKey?, certChain? }'}, got ${describeValue(raw[key])}`,
      );
    }
  }
  checkBackoff(problems, raw.backoff);
  checkLogger(problems, 'logger', raw.logger);
  checkScheduler(problems, 'scheduler', raw.scheduler);

  if (problems.length > 0) throw invalidOptions(EtcdErrorCode.InvalidOptions, 'EtcdRegistry', problems);
}

function checkBackoff(problems: string[], backoff: unknown): void {
  if (backoff === undefined) return;
  if (typeof backoff !== 'object' || backoff === null || Array.isArray(backoff)) {
    problems.push(
      `backoff must be an object such as { initial: 200, max: 2000, jitter: 0.2 }, got ${describeValue(backoff)}`,
    );
    return;
  }
  const given = backoff as Record<string, unknown>;
  checkKnownKeys(problems, given, BACKOFF_KEYS, { prefix: 'backoff.' });
  for (const key of ['initial', 'max'] as const) {
    checkDuration(problems, `backoff.${key}`, given[key], { zero: true });
  }
  const { jitter, random } = given;
  if (jitter !== undefined && (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))) {
    problems.push(`backoff.jitter must be a fraction from 0 to 1, got ${describeValue(jitter)}`);
  }
  if (random !== undefined && typeof random !== 'function') {
    problems.push(
      `backoff.random must be a function returning a number in [0, 1), got ${describeValue(random)}`,
    );
  }
}

/** The hosts as a list (`hosts` may be one string). */
export function hostList(options: Pick<EtcdRegistryOptions, 'hosts'>): readonly string[] {
  const { hosts } = options;
  if (hosts === undefined) return [];
  return typeof hosts === 'string' ? [hosts] : hosts;
}
