import type { ConnectionOptions } from 'node:tls';
import {
  hasUserinfo,
  isKratosError,
  type KratosError,
  type Logger,
  redact,
  type ServiceDiscovery,
  safeLogger,
  silentLogger,
} from '@kratos-ts/core';
import {
  checkBoolean,
  checkDuration,
  checkInteger,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkScheduler,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { parseTarget, type NodeFilter, type Selector, type Target } from '@kratos-ts/discovery';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { HttpClientErrorCode } from './http-client-error-codes.js';
import { HTTP_CLIENT_DEFAULTS, type HttpClientOptions } from './http-client-options.js';
import { unverifiedTlsOptions } from './unverified-tls-options.js';

/** `HttpClientOptions` checked, with the target parsed and every default applied. */
export interface ResolvedHttpClientOptions {
  readonly target: Target;
  /** The service name of a discovery target, the address of a fixed one. */
  readonly service: string;
  /** The scheme every node is called with. */
  readonly scheme: 'http' | 'https';
  /** Set for (and only for) a discovery target. */
  readonly discovery: ServiceDiscovery | undefined;
  /** `undefined`: the default selector (`p2c()`), made by the client. */
  readonly selector: Selector | undefined;
  readonly filters: readonly NodeFilter[];
  readonly timeout: number;
  /** Retries after the first attempt; 0 with `retry: false`. */
  readonly maxRetries: number;
  readonly maxResponseBytes: number;
  /** `undefined`: the node set's default. */
  readonly emptyGrace: number | undefined;
  readonly tls: ConnectionOptions | undefined;
  /** The `tls` options that turn certificate verification off (`tls.rejectUnauthorized: false` …); warned about once. */
  readonly unverifiedTls: readonly string[];
  readonly logger: Logger;
  /** `false` with the default (silent) logger: warnings then go to `process.emitWarning`. */
  readonly loggerGiven: boolean;
  readonly scheduler: SchedulerLike;
}

const KNOWN_OPTIONS = [
  'target',
  'discovery',
  'selector',
  'filters',
  'timeout',
  'retry',
  'maxResponseBytes',
  'emptyGrace',
  'secure',
  'tls',
  'logger',
  'scheduler',
];

/** The longest delay a Node timer honours (a longer one fires at once). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Checks the options of `createHttpClient` and applies the defaults. Every problem is reported at
 * once, in one `KRATOS_HTTP_CLIENT_INVALID_OPTIONS` error naming the target; a malformed target is
 * one of them (listed with `parseTarget`'s message, its `KRATOS_DISCOVERY_INVALID_TARGET` error
 * being the `cause`).
 */
export function resolveHttpClientOptions(options: HttpClientOptions): ResolvedHttpClientOptions {
  const isObject = typeof options === 'object' && options !== null;
  const raw = (isObject ? options : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const problem = (message: string): void => void problems.push(message);
  let targetError: KratosError | undefined;

  if (!isObject) {
    problem(
      `options must be an object such as { target: 'discovery:///greeter', discovery }, got ${describeValue(options)}`,
    );
  }
  checkKnownKeys(problems, raw, KNOWN_OPTIONS);

  let target: Target | undefined;
  if (typeof raw.target !== 'string') {
    problem(
      `target must be a string such as 'discovery:///greeter' or 'http://127.0.0.1:8000', got ${describeValue(raw.target)}`,
    );
  } else if (hasUserinfo(raw.target)) {
    // Refused before parsing, so that no error (nor its cause) carries the credentials.
    problem(
      `target ${JSON.stringify(redact(raw.target))} carries credentials in its URL: list the host without them and send them in a header, e.g. request({ headers: { authorization } })`,
    );
  } else {
    try {
      target = parseTarget(raw.target);
    } catch (error) {
      if (!isKratosError(error)) throw error;
      targetError = error;
      problems.push(redact(error.message));
    }
  }

  const discovery = raw.discovery;
  const discoveryLike = checkMethods(
    problems,
    'discovery',
    discovery,
    ['getService', 'watch'],
    'a ServiceDiscovery',
  );
  if (discoveryLike && target?.kind === 'discovery' && discovery === undefined) {
    problem(
      `target "${redact(String(raw.target))}" needs a discovery: pass the registry the service registers in, ` +
        `e.g. { target, discovery: registry }, or use a fixed 'http://host:port' target`,
    );
  }

  const selector = raw.selector;
  checkMethods(problems, 'selector', selector, ['pick'], 'a Selector such as p2c(), wrr() or random()');
  const filters = raw.filters ?? [];
  if (!Array.isArray(filters) || !filters.every((filter) => typeof filter === 'function')) {
    problem(
      `filters must be an array of node filters such as [version('2.0.0')], got ${describeValue(filters)}`,
    );
  }

  const timeout = raw.timeout ?? HTTP_CLIENT_DEFAULTS.timeout;
  checkDuration(problems, 'timeout', timeout, {
    zero: false,
    max: MAX_TIMER_MS,
    hint: 'the deadline of a whole request',
  });
  const maxRetries = resolveRetry(raw.retry, problems);
  const maxResponseBytes = raw.maxResponseBytes ?? HTTP_CLIENT_DEFAULTS.maxResponseBytes;
  checkInteger(problems, 'maxResponseBytes', maxResponseBytes, {
    unit: 'bytes',
    hint: 'the largest body request() reads; stream() takes larger ones',
  });

  const emptyGrace = raw.emptyGrace;
  checkDuration(problems, 'emptyGrace', emptyGrace, { zero: true, max: MAX_TIMER_MS });

  const secure = raw.secure;
  checkBoolean(problems, 'secure', secure);
  const tls = raw.tls;
  const tlsGiven = typeof tls === 'object' && tls !== null;
  if (tls !== undefined && !tlsGiven) {
    problem(`tls must be node:tls connection options such as { ca }, got ${describeValue(tls)}`);
  }
  const scheme = resolveScheme(
    target,
    secure === true ? true : secure === false ? false : undefined,
    tlsGiven,
    problem,
  );
  const logger = raw.logger ?? silentLogger;
  checkLogger(problems, 'logger', logger);
  const scheduler = raw.scheduler ?? asyncScheduler;
  checkScheduler(problems, 'scheduler', scheduler);

  if (problems.length > 0 || !target) {
    const subject =
      typeof raw.target === 'string' ? `HTTP client of ${JSON.stringify(redact(raw.target))}` : 'HTTP client';
    throw invalidOptions(
      HttpClientErrorCode.InvalidOptions,
      subject,
      problems,
      targetError ? { cause: targetError } : {},
    );
  }
  return {
    target,
    service: target.kind === 'discovery' ? target.name : target.address,
    scheme,
    discovery: target.kind === 'discovery' ? (discovery as ServiceDiscovery) : undefined,
    selector: selector as Selector | undefined,
    filters: filters as readonly NodeFilter[],
    timeout: timeout as number,
    maxRetries,
    maxResponseBytes: maxResponseBytes as number,
    emptyGrace: emptyGrace as number | undefined,
    tls: tls as ConnectionOptions | undefined,
    unverifiedTls: tlsGiven ? unverifiedTlsOptions(tls) : [],
    // No log call of the client may throw into a request.
    logger: safeLogger(logger as Logger),
    loggerGiven: raw.logger !== undefined,
    scheduler: scheduler as SchedulerLike,
  };
}

function resolveRetry(retry: unknown, problems: string[]): number {
  if (retry === false) return 0;
  if (retry === undefined) return HTTP_CLIENT_DEFAULTS.retry.max;
  if (typeof retry !== 'object' || retry === null || Array.isArray(retry)) {
    problems.push(
      `retry must be { max } (retries after the first attempt), or false for none, got ${describeValue(retry)}`,
    );
    return 0;
  }
  const { max } = retry as { max?: unknown };
  const keysOk = checkKnownKeys(problems, retry, ['max'], { prefix: 'retry.' });
  if (max === undefined) problems.push('retry.max is missing: retry is { max }, or false for none');
  const maxOk =
    max !== undefined &&
    checkInteger(problems, 'retry.max', max, {
      min: 0,
      hint: 'retries after the first attempt; retry: false for none',
    });
  return keysOk && maxOk ? (max as number) : 0;
}

// A discovery target calls its instances' http:// endpoints, or their https:// ones with secure: true
// or tls options; a fixed target says its scheme itself, and secure must not contradict it. tls
// options never go with plaintext: they would be ignored, and the caller believes in TLS.
function resolveScheme(
  target: Target | undefined,
  secure: boolean | undefined,
  tls: boolean,
  problem: (message: string) => void,
): 'http' | 'https' {
  const wanted = secure === undefined ? (tls ? 'https' : undefined) : secure ? 'https' : 'http';
  if (tls && secure === false) {
    problem(
      'tls options with secure: false would call in plaintext and ignore them: drop secure (tls implies https) or drop tls',
    );
  }
  if (target?.kind !== 'static' || target.scheme === undefined) return wanted ?? 'http';
  if (tls && target.scheme === 'http') {
    problem(
      "tls options with an http:// target would call in plaintext and ignore them: use the target's https:// address, or drop tls",
    );
  } else if (secure !== undefined && wanted !== target.scheme) {
    problem(
      `secure: ${String(secure)} contradicts the target's ${target.scheme}:// scheme: drop secure or change the target's scheme`,
    );
  }
  return target.scheme;
}
