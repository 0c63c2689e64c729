import { constants } from 'node:os';
import {
  ReplaySubject,
  Subject,
  Subscription,
  asyncScheduler,
  concat,
  defer,
  ignoreElements,
  take,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { AppInfo } from '../contracts/app-info.js';
import type { HookPhase } from '../contracts/hook-context.js';
import type { KratosOptions } from '../contracts/kratos-options.js';
import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import type { Logger } from '../contracts/logger.js';
import type { SignalSource } from '../contracts/signal-source.js';
import type { KernelView } from '../contracts/transport-server.js';
import { collectErrors } from '../errors/collect-errors.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { KratosError } from '../errors/kratos-error.js';
import { silentLogger } from '../logging/silent-logger.js';
import { AppInfoHolder } from './app-info-holder.js';
import { logEvent } from './log-event.js';
import type { NamedHook, RegistrarEntry, ServerEntry } from './named-step.js';
import { processSignals } from './process-signals.js';
import { resolveOptions, type ResolvedOptions } from './resolve-options.js';
import { RunSession } from './run-session.js';
import { startSequence } from './start-sequence.js';
import { stopSequence } from './stop-sequence.js';
import { summaryLine } from './summary-line.js';
import { validateSetup, type ServerDeclaration } from './validate-setup.js';

/** What a `LifecycleKernel` is built from. `kratosModule` resolves all of it from the container. */
export interface KernelDependencies {
  readonly options?: KratosOptions;
  /** The object bound to `APP_INFO`; made from `options` when not given. */
  readonly app?: AppInfoHolder;
  readonly servers?: readonly ServerDeclaration[];
  readonly registrars?: readonly RegistrarEntry[];
  /** Hooks found through decorators, already in order. Option hooks run before them. */
  readonly hooks?: readonly NamedHook[];
  readonly logger?: Logger;
  readonly scheduler?: SchedulerLike;
  readonly signalSource?: SignalSource;
  readonly exit?: (code: number) => void;
}

const PHASES: readonly HookPhase[] = ['beforeStart', 'afterStart', 'beforeStop', 'afterStop'];

/**
 * Runs the application: starts every server at once, registers the instance once all of them
 * serve, and stops in phases on a signal or `stop()`. See docs/lifecycle.md for its rules.
 *
 * @example
 * container.load(kratosModule);
 * await container.get(LifecycleKernel).run(); // resolves after a clean, signal-driven stop
 */
export class LifecycleKernel implements KernelView {
  readonly app: AppInfo;
  readonly #deps: KernelDependencies;
  readonly #appHolder: AppInfoHolder;
  readonly #state$ = new ReplaySubject<LifecycleState>(1);
  readonly #events$ = new Subject<LifecycleEvent>();
  #state: LifecycleState = 'idle';
  #session: RunSession | undefined;
  #settled: Promise<void> | undefined;
  #signalCount = 0;

  constructor(deps: KernelDependencies = {}) {
    this.#deps = deps;
    this.#appHolder = deps.app ?? new AppInfoHolder(deps.options ?? {});
    this.app = this.#appHolder;
    this.#state$.next('idle');
  }

  /** The current state on subscribe, then every change; completes after `stopped` or `failed`. */
  get state$(): Observable<LifecycleState> {
    return this.#state$.asObservable();
  }

  get state(): LifecycleState {
    return this.#state;
  }

  /** The logger the kernel logs through (`LOGGER`); handed to servers with the kernel view. */
  get logger(): Logger {
    return this.#deps.logger ?? silentLogger;
  }

  /** Every hook, server start/stop, (de)registration, signal and state change, with durations. */
  get events$(): Observable<LifecycleEvent> {
    return this.#events$.asObservable();
  }

  /**
   * Starts the application and settles when it has stopped: resolves after a clean stop (signal,
   * `stop()`), rejects with a `KratosError` holding every error otherwise. Callable once.
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
    this.#settled = new Promise<void>((resolve, reject) => {
      // Keep the process alive until run() settles, even when no server holds a handle (rule 18).
      const keepAlive = setInterval(() => undefined, 1 << 30);
      const done = (error?: KratosError): void => {
        clearInterval(keepAlive);
        if (error) reject(error);
        else resolve();
      };
      try {
        this.#lifecycle(done);
      } catch (error) {
        // A bug of ours must not leave the process kept alive.
        done(error as KratosError);
      }
    });
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
    const invalid = validateSetup(rawOptions, servers, registrars);
    if (invalid) {
      this.#setState('failed');
      this.#complete();
      done(invalid);
      return;
    }
    const options = resolveOptions(rawOptions);
    const logger = this.logger;
    const scheduler = deps.scheduler ?? asyncScheduler;
    const session = new RunSession({
      options,
      app: this.#appHolder,
      scheduler,
      logger,
      servers: servers.map((s) => serverEntry(s, options)),
      registrars,
      hooks: hooksByPhase(rawOptions, deps.hooks ?? []),
      emit: (event) => this.#events$.next(event),
      kernel: this,
    });
    this.#session = session;
    const logging = this.#events$.subscribe((event) => logEvent(logger, event));

    // Rule 1: signals are heard from the moment run() is called, before anything starts.
    const signals = (deps.signalSource ?? processSignals)(options.signals).subscribe((signal) =>
      this.#onSignal(signal, options, logger),
    );

    const startedAt = scheduler.now();
    this.#setState('starting');

    const subscription = new Subscription();
    const finish = (): void => {
      signals.unsubscribe();
      const failed = session.errors.length > 0;
      this.#setState(failed ? 'failed' : 'stopped');
      this.#complete();
      logging.unsubscribe();
      subscription.unsubscribe();
      done(failed ? collectErrors(session.errors) : undefined);
    };
    const lifecycle = concat(
      startSequence(session),
      defer(() => {
        if (!session.halted) {
          const startMs = scheduler.now() - startedAt;
          session.reachedRunning = true;
          this.#setState('running');
          logger.info(
            { app: this.#appHolder.toJSON(), servers: session.ctx.servers.length, startMs },
            summaryLine(
              this.app,
              session.ctx.servers.map((s) => s.name),
              startMs,
            ),
          );
        } else if (session.stopReason === undefined) {
          // A start that failed by itself rolls back through the same stop.
          this.#requestStop('rollback after a failed start');
        }
        // The stop waits for the start to settle (in-flight steps abort), then undoes what it did.
        return session.stopRequested$.pipe(take(1), ignoreElements());
      }),
      defer(() => stopSequence(session)),
    );
    subscription.add(lifecycle.subscribe({ complete: finish }));
  }

  #requestStop(reason: string): void {
    const session = this.#session;
    if (!session || session.stopReason !== undefined) return;
    this.#events$.next({ type: 'stop-requested', reason });
    // Rule 8: `stopping` is out before any step of the stop (or the start's abort) runs.
    if (this.#state === 'starting' || this.#state === 'running') this.#setState('stopping');
    session.requestStop(reason);
  }

  #onSignal(signal: NodeJS.Signals, options: ResolvedOptions, logger: Logger): void {
    this.#signalCount += 1;
    this.#events$.next({ type: 'signal', signal });
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
      (this.#deps.exit ?? ((c: number) => process.exit(c)))(code);
      return;
    }
    logger.warn({ signal }, `Signal ${signal} received while already stopping; send another to force exit`);
  }

  #setState(state: LifecycleState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#state$.next(state);
    this.#events$.next({ type: 'state', state });
  }

  #complete(): void {
    this.#state$.complete();
    this.#events$.complete();
  }
}

function serverEntry(declaration: ServerDeclaration, options: ResolvedOptions): ServerEntry {
  return {
    name: declaration.name,
    server: declaration.server as ServerEntry['server'],
    startTimeout: declaration.startTimeout ?? options.startTimeout,
    stopTimeout: declaration.stopTimeout ?? options.stopTimeout,
  };
}

function hooksByPhase(
  options: KratosOptions,
  decorated: readonly NamedHook[],
): Record<HookPhase, NamedHook[]> {
  const byPhase = {} as Record<HookPhase, NamedHook[]>;
  for (const phase of PHASES) {
    const fromOptions = (options[phase] ?? []).map((run, i) => ({
      phase,
      name: `${phase}[${i}]${run.name ? ` ${run.name}` : ''}`,
      run,
    }));
    byPhase[phase] = [...fromOptions, ...decorated.filter((hook) => hook.phase === phase)];
  }
  return byPhase;
}
