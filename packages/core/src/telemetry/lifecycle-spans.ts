import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import { describeError } from '../errors/describe.js';
import { kratosTracer } from './kratos-tracer.js';
import { toHrTime } from './hr-time.js';
import { CORE_SCOPE } from './lifecycle-instruments.js';
import type { StepLifecycleEvent, StepPhase } from './step-phase.js';

const tracer = kratosTracer(CORE_SCOPE);

/**
 * The lifecycle as OpenTelemetry spans: `kratos.start` (the whole start) with a child per
 * beforeStart/afterStart hook, per server start and per registration; `kratos.stop` (from
 * `stopping` to the end; a trace of its own, linked to the start's) with a child per
 * beforeStop/afterStop hook, per deregistration, per server stop and the drain. Steps are told
 * when they end, so their spans are made then, with their start time set back by their duration.
 * Times are the kernel's clock, in ms.
 */
export class LifecycleSpans {
  // Until they end.
  #openStart: Span | undefined;
  #openStop: Span | undefined;
  // The same, kept once ended: they tell whether their steps are recorded.
  #startSpan: Span | undefined;
  #stopSpan: Span | undefined;
  // Kept after kratos.start ended: a start step aborted by a stop still belongs to the start.
  #startContext: Context | undefined;
  #startFailure: string | undefined;
  #stopContext: Context | undefined;
  #stopFailure: string | undefined;
  #stopReason: string | undefined;

  /** The start began (`starting`). */
  openStart(at: number): void {
    this.#openStart = tracer.startSpan(
      'kratos.start',
      { kind: SpanKind.INTERNAL, startTime: toHrTime(at) },
      ROOT_CONTEXT,
    );
    this.#startSpan = this.#openStart;
    this.#startContext = trace.setSpan(ROOT_CONTEXT, this.#openStart);
  }

  /** The start is over: the app runs, or the start settled after a stop was asked for. */
  closeStart(at: number): void {
    const span = this.#openStart;
    if (!span) return;
    this.#openStart = undefined;
    if (this.#startFailure !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: this.#startFailure });
    }
    span.end(toHrTime(at));
  }

  /** The stop began (`stopping`). */
  openStop(at: number): void {
    const attributes: Attributes =
      this.#stopReason === undefined ? {} : { 'kratos.stop.reason': this.#stopReason };
    // A trace of its own (a stop can come days after the start), linked to the start it undoes.
    const start = this.#startContext && trace.getSpanContext(this.#startContext);
    this.#openStop = tracer.startSpan(
      'kratos.stop',
      {
        kind: SpanKind.INTERNAL,
        startTime: toHrTime(at),
        attributes,
        links: start ? [{ context: start }] : [],
      },
      ROOT_CONTEXT,
    );
    this.#stopSpan = this.#openStop;
    this.#stopContext = trace.setSpan(ROOT_CONTEXT, this.#openStop);
  }

  /** The kernel settled in `state` (`stopped` or `failed`). */
  closeStop(state: LifecycleState, at: number): void {
    const span = this.#openStop;
    if (!span) return;
    this.#openStop = undefined;
    span.setAttribute('kratos.lifecycle.outcome', state);
    if (this.#stopFailure !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: this.#stopFailure });
    }
    span.end(toHrTime(at));
  }

  /** A stop was asked for: an event on the start when it is under way, the reason on `kratos.stop`. */
  stopRequested(reason: string, at: number): void {
    this.#stopReason = reason;
    this.#openStart?.addEvent('stop requested', { 'kratos.stop.reason': reason }, toHrTime(at));
  }

  /** A stop signal arrived: an event on the phase under way. */
  signal(signal: string, at: number): void {
    (this.#openStop ?? this.#openStart)?.addEvent('signal', { 'kratos.signal': signal }, toHrTime(at));
  }

  /** The drain ended after `durationMs`. */
  drain(durationMs: number, at: number): void {
    tracer
      .startSpan(
        'drain',
        { startTime: toHrTime(at - durationMs), attributes: { 'kratos.lifecycle.phase': 'drain' } },
        this.#stopContext ?? ROOT_CONTEXT,
      )
      .end(toHrTime(at));
  }

  /** Whether a step of the start (`inStart`) or of the stop would be recorded as a span. */
  recordsSteps(inStart: boolean): boolean {
    const parent = inStart ? this.#startSpan : this.#stopSpan;
    return parent === undefined || parent.isRecording();
  }

  /** A step ended at `at`; its span is a child of the start's or the stop's. */
  step(event: StepLifecycleEvent, phase: StepPhase, inStart: boolean, at: number): void {
    const parentSpan = inStart ? this.#startSpan : this.#stopSpan;
    // Nothing to build under a span not recorded (no SDK, or sampled out): a kernel of thousands
    // of servers pays for no span of theirs. A failure still fails the phase's span.
    if (parentSpan !== undefined && !parentSpan.isRecording()) {
      if (event.error !== undefined) this.#noteFailure(event, inStart, describeError(event.error));
      return;
    }
    const attributes: Attributes = { 'kratos.lifecycle.phase': phase, 'kratos.step.status': event.status };
    let name: string;
    switch (event.type) {
      case 'hook':
        attributes['kratos.hook'] = event.hook;
        // An option hook's name already starts with its phase: `beforeStart[0] warmUp`.
        name = event.hook.startsWith(event.phase) ? event.hook : `${event.phase} ${event.hook}`;
        break;
      case 'server-start':
      case 'server-stop':
        attributes['kratos.server'] = event.server;
        name = `${event.type === 'server-start' ? 'start' : 'stop'} ${event.server}`;
        if (event.type === 'server-stop' && event.report?.abandoned !== undefined) {
          attributes['kratos.stop.abandoned'] = event.report.abandoned;
        }
        break;
      default:
        attributes['kratos.registrar'] = event.registrar;
        name = `${event.type} ${event.registrar}`;
    }
    const parent = (inStart ? this.#startContext : this.#stopContext) ?? ROOT_CONTEXT;
    const span = tracer.startSpan(name, { startTime: toHrTime(at - event.durationMs), attributes }, parent);
    if (event.error !== undefined) {
      const message = describeError(event.error);
      if (event.error instanceof Error) span.recordException(event.error, toHrTime(at));
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      this.#noteFailure(event, inStart, message);
    }
    span.end(toHrTime(at));
  }

  // The first failure of a phase names why it failed; a failed deregistration is not fatal.
  #noteFailure(event: StepLifecycleEvent, inStart: boolean, message: string): void {
    if (inStart) this.#startFailure ??= message;
    else if (event.type !== 'deregister') this.#stopFailure ??= message;
  }
}
