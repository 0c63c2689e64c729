import type { LifecycleEvent, StepStatus } from '../contracts/lifecycle-event.js';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import type { Logger } from '../contracts/logger.js';
import { describeError } from '../errors/describe.js';
import { KratosWarningCode } from '../errors/warning-codes.js';
import { lifecycleInstruments, observeLifecycleState } from './lifecycle-instruments.js';
import { LifecycleSpans } from './lifecycle-spans.js';
import { PhaseWindows } from './phase-windows.js';
import { isStartPhase, stepPhase, type StepPhase } from './step-phase.js';

/** What `LifecycleTelemetry` needs of the kernel. */
export interface LifecycleTelemetryOptions {
  /** The kernel's clock, in ms: the one its step durations are measured on. */
  readonly now: () => number;
  /** Where a failure of the telemetry itself is told (the kernel's safe logger). */
  readonly logger: Logger;
}

/**
 * The kernel's OpenTelemetry instrumentation, fed with every lifecycle event as it is emitted:
 * the lifecycle spans (see `LifecycleSpans`) and the metrics `kratos.lifecycle.state`,
 * `kratos.lifecycle.ready`, `kratos.lifecycle.phase.duration` and `kratos.registry.operations`.
 * Built by every kernel's `run()`; with no SDK registered it makes non-recording spans and records
 * no metric. It never throws into the lifecycle: a failure is logged (the first at warn).
 */
export class LifecycleTelemetry {
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #spans = new LifecycleSpans();
  readonly #windows = new PhaseWindows((phase, ms) => this.#recordDuration(phase, ms));
  #state: LifecycleState = 'idle';
  #startedAt: number | undefined;
  #stoppingAt: number | undefined;
  #failures = 0;

  constructor(options: LifecycleTelemetryOptions) {
    this.#now = options.now;
    this.#logger = options.logger;
    observeLifecycleState(() => this.#state);
  }

  /** Records one lifecycle event, as it happens. */
  record(event: LifecycleEvent): void {
    if (this.#nothingToRecord(event)) return;
    let at: number;
    try {
      at = this.#now();
    } catch (error) {
      this.#failed(event, error);
      return;
    }
    // Apart: a span processor that throws must not cost the metrics, nor the reverse. (Plain
    // try/catch, no closure: this runs for each of thousands of servers, SDK or not.)
    try {
      this.#measure(event, at);
    } catch (error) {
      this.#failed(event, error);
    }
    try {
      this.#trace(event, at);
    } catch (error) {
      this.#failed(event, error);
    }
  }

  /**
   * The common case without an SDK, made cheap for a kernel of thousands of servers: a step that
   * no meter measures and whose parent span is not recorded. Not even the clock is read.
   */
  #nothingToRecord(event: LifecycleEvent): boolean {
    if (event.type === 'endpoint') return true;
    // State changes, signals, stop requests and the drain: a few a run, always recorded.
    if (event.type === 'state' || event.type === 'signal' || event.type === 'stop-requested') return false;
    if (event.type === 'drain') return false;
    try {
      const inStart = isStartPhase(stepPhase(event));
      if (lifecycleInstruments() !== undefined || this.#spans.recordsSteps(inStart)) return false;
      // What #measure would have done: the start is over once a stop step came.
      if (!inStart) this.#startedAt = undefined;
      return true;
    } catch {
      return false; // Let the full path meet the failure and report it.
    }
  }

  #failed(event: LifecycleEvent, error: unknown): void {
    this.#failures += 1;
    const message = `Lifecycle telemetry failed on a ${event.type} event: ${describeError(error)}. The lifecycle goes on; the telemetry of this run may be incomplete.`;
    // Once at warn: a broken exporter must not flood the log with the same line.
    const fields = { err: error, code: KratosWarningCode.TelemetryFailed };
    if (this.#failures === 1) this.#logger.warn(fields, message);
    else this.#logger.debug(fields, message);
  }

  /** The metrics: the state the gauges read, the phase durations, the registry operations. */
  #measure(event: LifecycleEvent, at: number): void {
    switch (event.type) {
      case 'state':
        this.#onState(event.state, at);
        return;
      case 'drain':
        this.#endStart(at - event.durationMs);
        this.#recordDuration('drain', event.durationMs);
        return;
      case 'signal':
      case 'stop-requested':
      case 'endpoint':
        return;
      default: {
        const phase = stepPhase(event);
        const from = at - event.durationMs;
        // The start is over once the stop's first step began (a stop asked for while starting).
        if (!isStartPhase(phase)) this.#endStart(from);
        const instruments = lifecycleInstruments();
        // No SDK: no phase to measure (one registered mid-phase measures from the next one on).
        if (instruments === undefined) return;
        this.#windows.step(phase, from, at);
        if (event.type === 'register' || event.type === 'deregister') {
          instruments.registryOperations.add(1, {
            operation: event.type,
            outcome: registryOutcome(event.status),
          });
        }
      }
    }
  }

  /** The spans: `kratos.start` and `kratos.stop` end where the start and stop durations do. */
  #trace(event: LifecycleEvent, at: number): void {
    const spans = this.#spans;
    switch (event.type) {
      case 'state':
        if (event.state === 'starting') spans.openStart(at);
        else if (event.state === 'running') spans.closeStart(at);
        else if (event.state === 'stopping') spans.openStop(at);
        else if (event.state === 'stopped' || event.state === 'failed') {
          spans.closeStart(at);
          spans.closeStop(event.state, at);
        }
        return;
      case 'signal':
        spans.signal(event.signal, at);
        return;
      case 'stop-requested':
        spans.stopRequested(event.reason, at);
        return;
      case 'drain':
        spans.closeStart(at - event.durationMs);
        spans.drain(event.durationMs, at);
        return;
      case 'endpoint':
        return;
      default: {
        const phase = stepPhase(event);
        const inStart = isStartPhase(phase);
        if (!inStart) spans.closeStart(at - event.durationMs);
        spans.step(event, phase, inStart, at);
      }
    }
  }

  #onState(state: LifecycleState, at: number): void {
    this.#state = state;
    // Made now on a provider registered since the last event: the gauges are observed from then on.
    lifecycleInstruments();
    switch (state) {
      case 'starting':
        this.#startedAt = at;
        return;
      case 'running':
        this.#endStart(at);
        this.#windows.closeAll();
        return;
      case 'stopping':
        this.#stoppingAt = at;
        return;
      case 'stopped':
      case 'failed':
        this.#endStart(at);
        this.#windows.closeAll();
        if (this.#stoppingAt !== undefined) this.#recordDuration('stop', at - this.#stoppingAt);
        this.#stoppingAt = undefined;
        return;
      default:
        return;
    }
  }

  #endStart(at: number): void {
    if (this.#startedAt === undefined) return;
    const startedAt = this.#startedAt;
    this.#startedAt = undefined;
    this.#recordDuration('start', at - startedAt);
  }

  #recordDuration(phase: StepPhase | 'start' | 'stop' | 'drain', durationMs: number): void {
    lifecycleInstruments()?.phaseDuration.record(durationMs / 1000, { phase });
  }
}

// `aborted`: the registration was called off (another registrar failed, a stop came); it did not
// happen. `abandoned`: it ignored its aborted signal, which its error reports as a timeout.
function registryOutcome(status: StepStatus): 'ok' | 'failed' | 'timeout' {
  if (status === 'ok') return 'ok';
  return status === 'timeout' || status === 'abandoned' ? 'timeout' : 'failed';
}
