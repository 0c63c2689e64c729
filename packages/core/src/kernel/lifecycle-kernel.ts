import { constants } from 'node:os';
import {
  ReplaySubject,
  Subject,
  Subscription,
  concat,
  catchError,
  defer,
  EMPTY,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { AppInfo } from '../contracts/app-info.js';
import { HOOK_PHASES, type HookPhase } from '../contracts/hook-context.js';
import type { KratosOptions } from '../contracts/kratos-options.js';
import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import type { Logger } from '../contracts/logger.js';
import type { SignalSource } from '../contracts/signal-source.js';
import type { KernelView } from '../contracts/transport-server.js';
import type { UncaughtError, UncaughtErrorSource } from '../contracts/uncaught-error-source.js';
import { collectErrors } from '../errors/collect-errors.js';
import { describeError } from '../errors/describe.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { KratosError } from '../errors/kratos-error.js';
import { safeLogger } from '../logging/safe-logger.js';
import { silentLogger } from '../logging/silent-logger.js';
import { LifecycleTelemetry } from '../telemetry/lifecycle-telemetry.js';
import { AppInfoHolder } from './app-info-holder.js';
import { kernelFailure } from './kernel-failure.js';
import { kernelScheduler } from './kernel-scheduler.js';
import { logEvent } from './log-event.js';
import type { NamedHook, RegistrarEntry, ServerEntry } from './named-step.js';
import { processSignals } from './process-signals.js';
import { processUncaughtErrors } from './process-uncaught-errors.js';
import { resolveOptions, type ResolvedOptions } from './resolve-options.js';
import { RunSession } from './run-session.js';
import { runningTransition } from './running-transition.js';
import { startSequence } from './start-sequence.js';
import { stopSequence } from './stop-sequence.js';
import { uncaughtErrorFailure, uncaughtKind } from './uncaught-error-failure.js';
import { validateSetup, type ServerDeclaration } from './validate-setup.js';

/**
 * What a `LifecycleKernel` is built from. `kratosModule` resolves all of it from the container;
 * build a kernel by hand with it only where there is no container. Every field is optional.
 *
 * @example
 * const kernel = new LifecycleKernel({
 *   options: { name: 'greeter' },
 *   servers: [{ name: 'http', server: new HttpServer({ port: 8000, handler }) }],
 * });
 * await kernel.run();
 */
export interface KernelDependencies {
  /** The application's options, validated when `run()` starts. Default `{}`. */
  readonly options?: KratosOptions;
  /** The object bound to `APP_INFO`; made from `options` when not given. */
  readonly app?: AppInfoHolder;
  /** The servers to run, with their names and own timeouts. Default none. */
  readonly servers?: readonly ServerDeclaration[];
  /** The registrars to register the instance with, with their names. Default none. */
  readonly registrars?: readonly RegistrarEntry[];
  /** Hooks found through decorators, already in order. Option hooks run before them. */
  readonly hooks?: readonly NamedHook[];
  /**
   * Where the kernel logs its lifecycle; handed to servers with the kernel view. Default
   * `silentLogger`. Wrapped in `safeLogger`: a log call that throws loses its line, nothing else.
   */
  readonly logger?: Logger;
  /**
   * Where every timeout, the drain delay and durations run. Default RxJS' `asyncScheduler`, whose
   * durations are then measured with `performance.now()` (fractions of a millisecond).
   */
  readonly scheduler?: SchedulerLike;
  /** Where stop signals come from while `run()` is active. Default `processSignals`. */
  readonly signalSource?: SignalSource;
  /** Ends the process at once (a second signal or uncaught error while stopping). Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Where uncaught errors come from while `run()` is active. Default `processUncaughtErrors`. */
  readonly uncaughtErrorSource?: UncaughtErrorSource;
  /** Sets the code the process will exit with. Default: sets `process.exitCode`. */
  readonly setExitCode?: (code: number) => void;
}

/**
 * Runs the application: starts every server at once, registers the instance once all of them
 * serve, and stops in phases on a signal or `stop()`. See docs/lifecycle.md for its rules.
 *
 * @example
 * container.load(kratosModule);
 * await container.get(LifecycleKernel).run(); // resolves after a clean, signal-driven stop
 */
export class LifecycleKernel implements KernelView {
  /** The application's `AppInfo` (bound to `APP_INFO`); its `endpoints` fill in once every server started. */
  readonly app: AppInfo;
  readonly #deps: KernelDependencies;
  readonly #appHolder: AppInfoHolder;
  readonly #logger: Logger;
  readonly #state$ = new ReplaySubject<LifecycleState>(1);
  readonly #events$ = new Subject<LifecycleEvent>();
  #state: LifecycleState = 'idle';
  #session: RunSession | undefined;
  #settled: Promise<void> | undefined;
  #signalCount = 0;
  /** The first uncaught error heard while `run()` was active, if any. */
  #uncaught: UncaughtError | undefined;
  /** The logger lifecycle events are logged to, while `run()` is active. */
  #eventLogger: Logger | undefined;
  /** The OpenTelemetry spans and metrics of the run (always on; no-ops without an SDK). */
  #telemetry: LifecycleTelemetry | undefined;

  constructor(deps: KernelDependencies = {}) {
    this.#deps = deps;
    this.#appHolder = deps.app ?? new AppInfoHolder(deps.options ?? {});
    this.app = this.#appHolder;
    // Once, here: the lifecycle, and every server handed the kernel view, never depend on a log
    // call succeeding.
    this.#logger = safeLogger(deps.logger ?? silentLogger);
    this.#state$.next('idle');
  }

  /** The current state on subscribe, then every change; completes after `stopped` or `failed`. */
  get state$(): Observable<LifecycleState> {
    return this.#state$.asObservable();
  }

  /** The state at this instant: `idle` until `run()`, then as `state$` tells. */
  get state(): LifecycleState {
    return this.#state;
  }

  /**
   * The logger the kernel logs through (`LOGGER`, wrapped in `safeLogger`: none of its calls
   * throws); handed to servers with the kernel view.
   */
  get logger(): Logger {
    return this.#logger;
  }

  /** Every hook, server start/stop, (de)registration, signal and state change, with durations. */
  get events$(): Observable<LifecycleEvent> {
    return this.#events$.asObservable();
  }

  /**
   * Starts the application and settles when it has stopped: resolves after a clean stop (signal,
   * `stop()`), rejects with a `KratosError` holding every error otherwise. A failed deregistration
   * alone is not fatal (logged at warn, on `events$`): `run()` still resolves when every server
   * stopped cleanly. Callable once.
   */
  run(): Promise<void> {
    if (this.#settled) {
      return Promise.reject(
        new KratosError(
          KratosErrorCode.AlreadyRun,
          `run() was called a second time (the kernel is ${this.#state}). A LifecycleKernel runs once: resolve a new one from a new container to run again.`,
        ),
      );
    }
    let settle!: { resolve: () => void; reject: (error: KratosError) => void };
    // Assigned before the lifecycle begins, so that stop() called synchronously from inside it (a
    // synchronous beforeStart hook) finds a running kernel.
    this.#settled = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // Keep the process alive until run() settles, even when no server holds a handle (rule 18).
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const done = (error?: KratosError): void => {
      clearInterval(keepAlive);
      if (error) settle.reject(error);
      else settle.resolve();
    };
    try {
      this.#lifecycle(done);
    } catch (error) {
      // A bug of ours must not leave the process kept alive, nor run() reject with an uncoded error.
      this.#setState('failed');
      this.#complete();
      done(kernelFailure('run()', error));
    }
    return this.#settled;
  }

  /**
   * Asks the app to stop, as a signal does. Idempotent: every call shares one stop and resolves when
   * the kernel has settled; errors surface through `run()`. Before `run()`, it does nothing.
   */
  stop(reason = 'stop() called'): Promise<void> {
    if (!this.#settled) return Promise.resolve();
    this.#requestStop(reason);
    return this.#settled.then(
      () => undefined,
      () => undefined,
    );
  }

  #lifecycle(done: (error?: KratosError) => void): void {
    const deps = this.#deps;
    const rawOptions = deps.options ?? {};
    const servers = deps.servers ?? [];
    const registrars = deps.registrars ?? [];
    const scheduler = kernelScheduler(deps.scheduler);
    // Before validation: a setup refused at once is still a `failed` state for the gauges.
    this.#telemetry = new LifecycleTelemetry({ now: () => scheduler.now(), logger: this.logger });
    const invalid = validateSetup(rawOptions, servers, registrars);
    if (invalid) {
      this.#setState('failed');
      this.#complete();
      done(invalid);
      return;
    }
    const options = resolveOptions(rawOptions);
    const logger = this.logger;
    const session = new RunSession({
      options,
      app: this.#appHolder,
      scheduler,
      logger,
      servers: servers.map((s) => serverEntry(s, options)),
      registrars,
      hooks: hooksByPhase(rawOptions, deps.hooks ?? []),
      emit: (event) => this.#emit(event),
      kernel: this,
    });
    this.#session = session;
    this.#eventLogger = logger;

    // Rule 1: signals are heard from the moment run() is called, before anything starts.
    const signals = (deps.signalSource ?? processSignals)(options.signals).subscribe({
      next: (signal) => this.#onSignal(signal, options, logger),
      error: (error: unknown) =>
        logger.error(
          { err: error },
          `The signal source failed: ${describeError(error)}. Signals are no longer heard; stop the app with stop().`,
        ),
    });
    // Rule 19: so are uncaught errors, unless the app leaves them to Node.
    const uncaught =
      options.uncaughtErrors === 'stop'
        ? (deps.uncaughtErrorSource ?? processUncaughtErrors)().subscribe({
            next: (error) => this.#onUncaughtError(error, logger),
            error: (error: unknown) =>
              logger.error(
                { err: error },
                `The uncaught-error source failed: ${describeError(error)}. Uncaught errors are no longer heard.`,
              ),
          })
        : undefined;

    const startedAt = scheduler.now();
    this.#setState('starting');

    const subscription = new Subscription();
    const finish = (): void => {
      signals.unsubscribe();
      uncaught?.unsubscribe();
      const failure = this.#uncaught
        ? uncaughtErrorFailure(this.#uncaught, session.errors)
        : session.failed
          ? collectErrors(session.errors)
          : undefined;
      if (this.#uncaught) {
        try {
          (deps.setExitCode ?? setProcessExitCode)(1);
        } catch (error) {
          logger.error({ err: error }, `Setting the exit code to 1 failed: ${describeError(error)}`);
        }
      }
      this.#setState(failure ? 'failed' : 'stopped');
      this.#complete();
      this.#eventLogger = undefined;
      subscription.unsubscribe();
      done(failure);
    };
    const lifecycle = concat(
      startSequence(session),
      runningTransition(
        session,
        { setState: (state) => this.#setState(state), requestStop: (reason) => this.#requestStop(reason) },
        startedAt,
      ).pipe(
        catchError((error: unknown) => {
          // Recorded, then rolled back as a failed start is.
          session.fail(kernelFailure('the transition to running', error));
          this.#requestStop('rollback after the kernel failed');
          return EMPTY;
        }),
      ),
      // The stop waits for the start to settle (in-flight steps abort), then undoes what it did.
      defer(() => stopSequence(session)),
    );
    // Every phase has its own error path; this one is the last resort, so run() always settles.
    subscription.add(
      lifecycle.subscribe({
        complete: finish,
        error: (error: unknown) => {
          session.fail(kernelFailure('the lifecycle', error));
          finish();
        },
      }),
    );
  }

  #requestStop(reason: string): void {
    const session = this.#session;
    // Recorded before anyone hears of it: a stop() from a subscriber of what follows is this stop.
    if (!session || !session.requestStop(reason)) return;
    this.#emit({ type: 'stop-requested', reason });
    // Rule 8: `stopping` is out before any step of the stop (or the start's abort) runs.
    if (this.#state === 'starting' || this.#state === 'running') this.#setState('stopping');
    session.haltForStop();
  }

  #onSignal(signal: NodeJS.Signals, options: ResolvedOptions, logger: Logger): void {
    this.#signalCount += 1;
    this.#emit({ type: 'signal', signal });
    if (this.#signalCount === 1 && this.#session?.stopReason === undefined) {
      this.#requestStop(`signal ${signal}`);
      return;
    }
    if (this.#signalCount >= 2 && options.forceExitOnSecondSignal) {
      const code = 128 + (constants.signals[signal] ?? 0);
      logger.error(
        { signal, code },
        `Second signal ${signal} while stopping: exiting at once with code ${code}`,
      );
      (this.#deps.exit ?? exitProcess)(code);
      return;
    }
    logger.warn({ signal }, `Signal ${signal} received while already stopping; send another to force exit`);
  }

  /**
   * The first uncaught error is logged and stops the app gracefully (or joins the stop under way);
   * `run()` then rejects with it. A second one while stopping ends the process at once.
   */
  #onUncaughtError(uncaught: UncaughtError, logger: Logger): void {
    const kind = uncaughtKind(uncaught);
    if (this.#uncaught) {
      logger.error(
        { err: uncaught.error, origin: uncaught.origin },
        `Another uncaught error, ${kind}, while stopping after one: exiting at once with code 1`,
      );
      (this.#deps.exit ?? exitProcess)(1);
      return;
    }
    this.#uncaught = uncaught;
    const reason = `${kind}: ${describeError(uncaught.error)}`;
    const fields = { err: uncaught.error, origin: uncaught.origin };
    if (this.#session?.stopReason !== undefined) {
      logger.error(fields, `${capitalize(reason)} during the stop, which goes on; run() will reject with it`);
      return;
    }
    logger.error(fields, `Stopping the application gracefully after ${reason}`);
    this.#requestStop(reason);
  }

  #setState(state: LifecycleState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#state$.next(state);
    this.#emit({ type: 'state', state });
  }

  /** Logs an event (while `run()` is active) and publishes it on `events$` when anyone listens. */
  #emit(event: LifecycleEvent): void {
    if (this.#eventLogger) logEvent(this.#eventLogger, event);
    this.#telemetry?.record(event);
    if (this.#events$.observed) this.#events$.next(event);
  }

  #complete(): void {
    this.#state$.complete();
    this.#events$.complete();
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function exitProcess(code: number): void {
  process.exit(code);
}

function setProcessExitCode(code: number): void {
  process.exitCode = code;
}

function serverEntry(declaration: ServerDeclaration, options: ResolvedOptions): ServerEntry {
  return {
    name: declaration.name,
    server: declaration.server,
    startTimeout: declaration.startTimeout ?? options.startTimeout,
    stopTimeout: declaration.stopTimeout ?? options.stopTimeout,
    // The app's configuration of this server wins over the server's own default.
    drainDelay: declaration.drainDelay ?? declaration.server.drainDelay ?? options.drainDelay,
  };
}

function hooksByPhase(
  options: KratosOptions,
  decorated: readonly NamedHook[],
): Record<HookPhase, NamedHook[]> {
  const byPhase = {} as Record<HookPhase, NamedHook[]>;
  for (const phase of HOOK_PHASES) {
    const fromOptions = (options[phase] ?? []).map((run, i) => ({
      phase,
      name: `${phase}[${i}]${run.name ? ` ${run.name}` : ''}`,
      run,
    }));
    byPhase[phase] = [...fromOptions, ...decorated.filter((hook) => hook.phase === phase)];
  }
  return byPhase;
}
