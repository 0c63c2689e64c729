import { ReplaySubject, type Observable } from 'rxjs';
import type { ServiceInstance } from '../contracts/registry.js';
import type { KratosError } from '../errors/kratos-error.js';
import { AbortGroup } from './abort-group.js';
import { kernelFailure } from './kernel-failure.js';
import type { KernelContext } from './kernel-context.js';
import type { RegistrarEntry, ServerEntry } from './named-step.js';
import { stopServers } from './stop-servers.js';

/**
 * Where one `run()` is. It only moves forward, through the named transitions of `RunSession`:
 *
 * ```text
 * starting ──enterRunning()──▶ running ──beginStop()──▶ stopping ──takeServersToStop()──▶ stopping-servers
 *     └────────────────────────beginStop()─────────────────▲   (a halted start rolls back through the stop)
 * ```
 */
export type RunStage = 'starting' | 'running' | 'stopping' | 'stopping-servers';

/**
 * What the phases of one `run()` share: its stage, what started, what registered, every error,
 * and whether a stop was requested. The start records into it; the stop undoes exactly what it
 * recorded. Its state changes only through the methods below.
 */
export class RunSession {
  #stage: RunStage = 'starting';
  #wasRunning = false;
  #instance: ServiceInstance | undefined;
  #stopReason: string | undefined;
  readonly #errors: KratosError[] = [];
  /** How many of `#errors` fail the run (the others were only noted). */
  #fatalCount = 0;
  /** Servers whose start resolved (in time or late, before the stop took the list). */
  readonly #started = new Set<ServerEntry>();
  /** Registrars the instance is (or may be) registered with. */
  readonly #registered = new Set<RegistrarEntry>();
  readonly #stopRequested$ = new ReplaySubject<string>(1);
  /** Aborts whatever of the start is in flight once the start halts (a failure, a stop request). */
  readonly startAbort = new AbortGroup();

  constructor(readonly ctx: KernelContext) {}

  get stage(): RunStage {
    return this.#stage;
  }

  /** Every error recorded so far, in order: the fatal ones and the noted ones. */
  get errors(): readonly KratosError[] {
    return this.#errors;
  }

  /** Whether an error that fails the run was recorded (not only noted ones). */
  get failed(): boolean {
    return this.#fatalCount > 0;
  }

  /** The instance registered (or to register); set once every server has started. */
  get instance(): ServiceInstance | undefined {
    return this.#instance;
  }

  /** Registrars to deregister from. */
  get registered(): ReadonlySet<RegistrarEntry> {
    return this.#registered;
  }

  /** Why a stop was requested, once one was. */
  get stopReason(): string | undefined {
    return this.#stopReason;
  }

  /** Replays the reason once a stop is requested. */
  get stopRequested$(): Observable<string> {
    return this.#stopRequested$;
  }

  /** The start goes no further once something failed or a stop was requested. */
  get halted(): boolean {
    return this.#fatalCount > 0 || this.#stopReason !== undefined;
  }

  /** Someone may still send traffic: the app was running, or registered somewhere. Drain then. */
  get mayHaveTraffic(): boolean {
    return this.#wasRunning || this.#registered.size > 0;
  }

  /** Records an error; during the start it also aborts what is in flight (the start halts). */
  fail(error: KratosError): void {
    this.#errors.push(error);
    this.#fatalCount += 1;
    if (this.#stage === 'starting') this.startAbort.abort();
  }

  /**
   * Records an error that does not fail the run on its own (a failed deregistration: the lease
   * expires by itself). It is still listed when the run fails for another reason.
   */
  note(error: KratosError): void {
    this.#errors.push(error);
  }

  /** A server's start resolved in time. */
  recordStarted(entry: ServerEntry): void {
    this.#started.add(entry);
  }

  /** A start given up as abandoned resolved after all: that server is stopped too. */
  lateStarted(entry: ServerEntry): void {
    if (this.#stage !== 'stopping-servers') {
      this.#started.add(entry);
      return;
    }
    // The stop already took its list: stop this one on its own, and log what happens.
    const logError = (error: KratosError): void =>
      this.ctx.logger.error({ err: error, server: entry.name }, error.message);
    stopServers(this.ctx, [entry], logError).subscribe({
      error: (error: unknown) =>
        logError(kernelFailure(`the stop of the late server "${entry.name}"`, error)),
    });
  }

  /** The instance is built (endpoints known). */
  recordInstance(instance: ServiceInstance): void {
    this.#instance = instance;
  }

  /** The instance is, or may be, registered with `entry`. */
  recordRegistered(entry: RegistrarEntry): void {
    this.#registered.add(entry);
  }

  /**
   * Records that a stop is requested, once: later calls return `false`. Recorded before anyone is
   * told, so that a `stop()` from whoever hears of it (an `events$` subscriber) is the same stop.
   * `haltForStop()` then acts on it.
   */
  requestStop(reason: string): boolean {
    if (this.#stopReason !== undefined) return false;
    this.#stopReason = reason;
    return true;
  }

  /** Acts on the stop request: aborts whatever of the start is in flight, then lets the stop begin. */
  haltForStop(): void {
    if (this.#stopReason === undefined) return;
    this.startAbort.abort();
    this.#stopRequested$.next(this.#stopReason);
  }

  /** starting → running, when the whole start succeeded. Returns whether it moved. */
  enterRunning(): boolean {
    if (this.#stage !== 'starting' || this.halted) return false;
    this.#stage = 'running';
    this.#wasRunning = true;
    return true;
  }

  /** starting | running → stopping: the stop sequence begins. */
  beginStop(): void {
    if (this.#stage === 'starting' || this.#stage === 'running') this.#stage = 'stopping';
  }

  /** stopping → stopping-servers: hands over every started server, each to be stopped once. */
  takeServersToStop(): readonly ServerEntry[] {
    if (this.#stage !== 'stopping') return [];
    this.#stage = 'stopping-servers';
    return [...this.#started];
  }
}
