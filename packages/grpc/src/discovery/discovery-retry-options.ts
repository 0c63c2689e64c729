import type { MethodConfig } from '@grpc/grpc-js';
import { checkDuration, checkInteger, checkKnownKeys, describeValue } from '@kratos-ts/core/internal';

/** A method, or every method of a service, that `DiscoveryRetryOptions` retries. */
export interface DiscoveryRetryMethod {
  /** The fully-qualified service name, as in the proto: `greeter.v1.Greeter` (package, dot, service). */
  readonly service: string;
  /** The method name (`SayHello`); left out, every method of `service`. */
  readonly method?: string | undefined;
}

/**
 * grpc-js's retry policy on `UNAVAILABLE`, for the listed methods only. A call that fails
 * `UNAVAILABLE` before the server answered anything (an instance that died or was stopping, a
 * connection that dropped) is sent again, after a backoff, to the next instance `round_robin` picks.
 * List idempotent methods only: the first attempt may have run on the server before it died.
 *
 * @example
 * registerDiscoveryResolver(registry, {
 *   retry: { methods: [{ service: 'greeter.v1.Greeter', method: 'SayHello' }] },
 * });
 */
export interface DiscoveryRetryOptions {
  /** The methods to retry: at least one. A method listed twice, or twice through its service, is refused. */
  readonly methods: readonly DiscoveryRetryMethod[];
  /** Attempts in all, the first one included: 2 to 5 (grpc-js caps at 5). Default 3. */
  readonly maxAttempts?: number | undefined;
  /** Milliseconds before the first retry (grpc-js randomizes each backoff up to this). Default 100. */
  readonly initialBackoff?: number | undefined;
  /** Milliseconds the backoff grows up to; at least `initialBackoff`. Default 1000. */
  readonly maxBackoff?: number | undefined;
  /** What each backoff is multiplied by: a number > 0. Default 2. */
  readonly backoffMultiplier?: number | undefined;
}

/**
 * The defaults of `DiscoveryRetryOptions` (every one but `methods`): a call is tried up to 3 times,
 * waiting up to 100 ms, then 200 ms (randomized), on `UNAVAILABLE` only.
 */
export const DISCOVERY_RETRY_DEFAULTS = Object.freeze({
  /** Attempts in all, the first one included. */
  maxAttempts: 3,
  /** Milliseconds before the first retry. */
  initialBackoff: 100,
  /** Milliseconds the backoff grows up to. */
  maxBackoff: 1_000,
  /** What each backoff is multiplied by. */
  backoffMultiplier: 2,
});

const KNOWN_OPTIONS = ['methods', 'maxAttempts', 'initialBackoff', 'maxBackoff', 'backoffMultiplier'];
// grpc-js's own limit (channel option `grpc-node.retry_max_attempts_limit`): more would be cut silently.
const GRPC_JS_MAX_ATTEMPTS = 5;
// A proto identifier, and a fully-qualified service name made of them.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SERVICE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The retry option checked: the `methodConfig` entry to send, or every problem found. */
export type RetryCheck =
  | { readonly ok: true; readonly methodConfig: readonly MethodConfig[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks `registerDiscoveryResolver`'s `retry` option and makes the grpc-js `methodConfig` of it:
 * one entry naming every listed method, with a `retryPolicy` on `UNAVAILABLE`. Left out: no entry.
 */
export function checkRetryOption(retry: unknown): RetryCheck {
  if (retry === undefined) return { ok: true, methodConfig: [] };
  if (typeof retry !== 'object' || retry === null || Array.isArray(retry)) {
    return {
      ok: false,
      problems: [
        `retry must be an object such as { methods: [{ service: 'greeter.v1.Greeter', method: 'SayHello' }] }, got ${describeValue(retry)}`,
      ],
    };
  }
  const raw = retry as Record<string, unknown>;
  const problems: string[] = [];
  checkKnownKeys(problems, raw, KNOWN_OPTIONS, { prefix: 'retry.', hint: 'only UNAVAILABLE is retried' });
  const names = methodNames(raw.methods, problems);

  const maxAttempts = raw.maxAttempts ?? DISCOVERY_RETRY_DEFAULTS.maxAttempts;
  checkInteger(problems, 'retry.maxAttempts', maxAttempts, {
    min: 2,
    max: GRPC_JS_MAX_ATTEMPTS,
    hint: 'attempts in all, the first one included; grpc-js allows no more',
  });
  // grpc-js takes durations in whole milliseconds at most (a "<seconds>s" string of 3 decimals).
  const initialBackoff = raw.initialBackoff ?? DISCOVERY_RETRY_DEFAULTS.initialBackoff;
  const initialOk = checkDuration(problems, 'retry.initialBackoff', initialBackoff, {
    zero: false,
    whole: true,
    hint: `leave it out for the default (${DISCOVERY_RETRY_DEFAULTS.initialBackoff})`,
  });
  const maxBackoff = raw.maxBackoff ?? DISCOVERY_RETRY_DEFAULTS.maxBackoff;
  const maxOk = checkDuration(problems, 'retry.maxBackoff', maxBackoff, {
    zero: false,
    whole: true,
    hint: `leave it out for the default (${DISCOVERY_RETRY_DEFAULTS.maxBackoff})`,
  });
  if (initialOk && maxOk && (maxBackoff as number) < (initialBackoff as number)) {
    problems.push(
      `retry.maxBackoff (${maxBackoff as number}) is below retry.initialBackoff (${initialBackoff as number}): raise maxBackoff or lower initialBackoff`,
    );
  }
  const backoffMultiplier = raw.backoffMultiplier ?? DISCOVERY_RETRY_DEFAULTS.backoffMultiplier;
  if (
    typeof backoffMultiplier !== 'number' ||
    !Number.isFinite(backoffMultiplier) ||
    backoffMultiplier <= 0
  ) {
    problems.push(
      `retry.backoffMultiplier must be a finite number > 0, got ${describeValue(backoffMultiplier)}: leave it out for the default (${DISCOVERY_RETRY_DEFAULTS.backoffMultiplier})`,
    );
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    methodConfig: [
      {
        name: names,
        retryPolicy: {
          maxAttempts: maxAttempts as number,
          initialBackoff: seconds(initialBackoff as number),
          maxBackoff: seconds(maxBackoff as number),
          backoffMultiplier: backoffMultiplier as number,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  };
}

function methodNames(methods: unknown, problems: string[]): MethodConfig['name'] {
  if (!Array.isArray(methods) || methods.length === 0) {
    problems.push(
      `retry.methods must list at least one method, such as [{ service: 'greeter.v1.Greeter', method: 'SayHello' }], got ${describeValue(methods)}`,
    );
    return [];
  }
  const names: { service: string; method?: string }[] = [];
  const seen = new Set<string>();
  methods.forEach((entry: unknown, i) => {
    const where = `retry.methods[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where} must be { service, method? }, got ${describeValue(entry)}`);
      return;
    }
    const { service, method, ...rest } = entry as Record<string, unknown>;
    checkKnownKeys(problems, rest, ['service', 'method'], { prefix: `${where}.` });
    if (typeof service !== 'string' || !SERVICE.test(service)) {
      problems.push(
        `${where}.service must be a fully-qualified service name as in the proto ("greeter.v1.Greeter": package, dot, service; no "/"), got ${describeValue(service)}`,
      );
      return;
    }
    if (method !== undefined && (typeof method !== 'string' || !IDENTIFIER.test(method))) {
      problems.push(
        `${where}.method must be a method name as in the proto ("SayHello"), or left out for every method of ${service}; got ${describeValue(method)}`,
      );
      return;
    }
    const key = method === undefined ? service : `${service}/${method}`;
    // grpc-js takes the first method config that names a method: a second naming is dead weight.
    if (seen.has(key) || (method !== undefined && seen.has(service))) {
      problems.push(`${where} names ${key} a second time: list each method once`);
      return;
    }
    seen.add(key);
    names.push(method === undefined ? { service } : { service, method });
  });
  for (const name of names) {
    if (name.method !== undefined && seen.has(name.service)) {
      problems.push(
        `retry.methods names ${name.service}/${name.method} and all of ${name.service}: list the service alone`,
      );
    }
  }
  return names;
}

// grpc-js takes durations as "<seconds>s", at most 9 decimals: whole ms give at most 3.
function seconds(ms: number): string {
  return `${ms / 1000}s`;
}
