import { HOOK_PHASES, type LifecycleHook } from './hook-context.js';

/** Options of the application. Every duration is in milliseconds. */
export interface KratosOptions {
  /** Instance id. Default: a random UUID. */
  readonly id?: string;
  /** Service name. Required when a registrar is bound. */
  readonly name?: string;
  /** Service version. Default `''`. */
  readonly version?: string;
  /** Free-form string pairs, registered with the instance. A frozen copy is kept. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Endpoints to register; when given they replace what the servers report. */
  readonly endpoints?: readonly (string | URL)[];
  /** Signals that stop the app. Default `['SIGTERM', 'SIGINT', 'SIGQUIT']`; `[]` listens to none. */
  readonly signals?: readonly NodeJS.Signals[];
  /** How long each server may take to start. Default 15000. */
  readonly startTimeout?: number;
  /** How long each server may take to stop before its stop signal aborts. Default 10000. */
  readonly stopTimeout?: number;
  /** How long each registrar may take to register or deregister. Default 10000. */
  readonly registrarTimeout?: number;
  /** How long each hook may take. Default 15000. */
  readonly hookTimeout?: number;
  /** Wait between deregistration and stopping the servers, which keep serving meanwhile. Default 0. */
  readonly drainDelay?: number;
  /** Exit the process at once on a second signal while stopping. Default true. */
  readonly forceExitOnSecondSignal?: boolean;
  /**
   * What an uncaught exception or unhandled rejection does while `run()` is active. `'stop'` (default):
   * it is logged and stops the app gracefully, `run()` rejects with `KRATOS_UNCAUGHT_ERROR` and the
   * exit code is 1; a second one during that stop exits at once with code 1. `'ignore'`: the kernel
   * installs no listener, so Node's own behaviour applies (print the error, exit with code 1 at once).
   */
  readonly uncaughtErrors?: 'stop' | 'ignore';
  /**
   * Run one at a time before any server starts, each under `hookTimeout`, before the hooks of
   * decorated classes (`@BeforeStart()`). The first failure ends the start: nothing starts and
   * `run()` rejects with `KRATOS_HOOK_FAILED` or `KRATOS_HOOK_TIMEOUT`.
   */
  readonly beforeStart?: readonly LifecycleHook[];
  /**
   * Run one at a time once every server serves and the instance is registered, before the state
   * turns `running`. A failure deregisters the instance, stops every server and rejects `run()`.
   */
  readonly afterStart?: readonly LifecycleHook[];
  /**
   * Run one at a time first thing in a stop, after `stopping` is published and before
   * deregistration; every one runs even if an earlier one failed, and every error is kept.
   */
  readonly beforeStop?: readonly LifecycleHook[];
  /**
   * Run one at a time once every server stopped, each with a signal that is not already aborted;
   * every one runs even if an earlier one failed.
   */
  readonly afterStop?: readonly LifecycleHook[];
}

/**
 * The defaults of every `KratosOptions` option that has one (the others: `id` is a random UUID,
 * `name`, `metadata` and `endpoints` are empty, and there are no hooks). Durations in milliseconds.
 */
export const KRATOS_DEFAULTS = Object.freeze({
  /** The service version registered when none is given. */
  version: '',
  /** The signals that stop the app gracefully: what Kubernetes, Docker and Ctrl+C send. */
  signals: Object.freeze(['SIGTERM', 'SIGINT', 'SIGQUIT'] as NodeJS.Signals[]),
  /** Each server's start deadline. */
  startTimeout: 15_000,
  /** Each server's graceful stop deadline; its stop signal aborts then. */
  stopTimeout: 10_000,
  /** Each registrar's register and deregister deadline. */
  registrarTimeout: 10_000,
  /** Each hook's deadline. */
  hookTimeout: 15_000,
  /** No wait between deregistration and stopping the servers; set it to how long callers take to notice. */
  drainDelay: 0,
  /** A second signal while stopping exits the process at once. */
  forceExitOnSecondSignal: true,
  /** An uncaught error stops the app gracefully and `run()` rejects with `KRATOS_UNCAUGHT_ERROR`. */
  uncaughtErrors: 'stop' as const,
});

/** The options without a default. With the keys of `KRATOS_DEFAULTS`, they are every option. */
const OPTIONS_WITHOUT_DEFAULT = Object.freeze([
  'id',
  'name',
  'metadata',
  'endpoints',
  ...HOOK_PHASES,
] as const);

/**
 * @internal Every option key, derived from `KRATOS_DEFAULTS` and the options without a default:
 * the one list unknown keys are checked against.
 */
export const OPTION_KEYS: ReadonlySet<string> = new Set<string>([
  ...Object.keys(KRATOS_DEFAULTS),
  ...OPTIONS_WITHOUT_DEFAULT,
]);

// Fails to compile unless the two lists above hold exactly the keys of KratosOptions.
type ListedKey = keyof typeof KRATOS_DEFAULTS | (typeof OPTIONS_WITHOUT_DEFAULT)[number];
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
type Assert<T extends true> = T;
type _EveryOptionListed = Assert<Same<ListedKey, keyof KratosOptions>>;

/** How long a start or stop may take to settle after its signal aborted, before it is abandoned. */
export const ABANDON_GRACE_MS = 1_000;
