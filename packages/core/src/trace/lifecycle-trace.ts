import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Observable } from 'rxjs';
import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import { describeError } from '../errors/describe.js';
import { highResolutionNow } from '../kernel/kernel-scheduler.js';

/** One Chrome trace event: a complete span (`ph: 'X'`) or a track name (`ph: 'M'`). Times in µs. */
export interface TraceEvent {
  /** The span (`running`, `beforeStop flush`, `start http`, `drain`…), or `thread_name` for a track name. */
  readonly name: string;
  /** The category: `state`, `hook`, `server`, `registrar`, `drain`, or `__metadata` for a track name. */
  readonly cat: string;
  /** `'X'`: a complete span with `ts` and `dur`; `'M'`: metadata naming the track `tid`. */
  readonly ph: 'X' | 'M';
  /** When the span began, in µs on the trace's clock (by default since the epoch). */
  readonly ts: number;
  /** How long the span lasted, in µs; absent on track names. */
  readonly dur?: number;
  /** The process id shown in the viewer (`LifecycleTraceOptions.pid`). */
  readonly pid: number;
  /** The track: lifecycle, hooks, registration, drain, then one per server. */
  readonly tid: number;
  /** A step's `status` (and `error`, described, when it failed); a track name's `name`. */
  readonly args: Readonly<Record<string, unknown>>;
}

/** The JSON that Perfetto (ui.perfetto.dev) and chrome://tracing open. */
export interface TraceDocument {
  /** One track-name event per track, then the spans in the order they ended. */
  readonly traceEvents: readonly TraceEvent[];
  /** Tells the viewer to show milliseconds. */
  readonly displayTimeUnit: 'ms';
}

/** What `lifecycleTrace` follows: a `LifecycleKernel`, or anything with its two streams. */
export interface TracedKernel {
  /** The kernel's state changes, each closing the span of the previous state. */
  readonly state$: Observable<LifecycleState>;
  /** The kernel's step events, each recorded as a span ending when it arrives. */
  readonly events$: Observable<LifecycleEvent>;
}

/** What `lifecycleTrace` takes. */
export interface LifecycleTraceOptions {
  /**
   * The clock, in ms: the one the kernel measures its steps with. Default `performance.timeOrigin +
   * performance.now()` (ms since the epoch, to a fraction of a µs), the kernel's clock when it runs
   * on the real scheduler. With a virtual scheduler injected (`KRATOS_SCHEDULER`, a TestScheduler),
   * pass its clock: `now: () => scheduler.now()`.
   */
  readonly now?: () => number;
  /**
   * Also record each span as a `performance.measure` named `kratos:<span>`. Default: with the
   * default clock (the measures need its timeline).
   */
  readonly measure?: boolean;
  /** The trace's `pid`. Default `process.pid`. */
  readonly pid?: number;
}

/** A running recording of a kernel's lifecycle. */
export interface LifecycleTrace {
  /** The spans recorded so far, with one track-name event per track first. */
  document(): TraceDocument;
  /** Writes `document()` as JSON to `path`. */
  write(path: string): Promise<void>;
  /** Stops recording (it stops by itself when the kernel's streams complete). */
  stop(): void;
}

// Fixed tracks first, then one per server in the order they appear.
const TRACKS = ['lifecycle', 'hooks', 'registration', 'drain'] as const;

/**
 * Records a kernel's lifecycle as Chrome trace events: one track for the lifecycle states
 * (`starting`, `running`, `stopping`), one for hooks, one for registration and deregistration, one
 * for the drain, and one per server (its start and stop). Open the written JSON in Perfetto or
 * chrome://tracing. Each span is also a `performance.measure`, so Node's own tracing sees it.
 * Subscribe before `run()`.
 *
 * @example
 * const trace = lifecycleTrace(kernel);
 * await kernel.run();
 * await trace.write('lifecycle.json');
 */
export function lifecycleTrace(kernel: TracedKernel, options: LifecycleTraceOptions = {}): LifecycleTrace {
  const now = options.now ?? highResolutionNow;
  const measure = options.measure ?? options.now === undefined;
  const pid = options.pid ?? process.pid;
  const tids = new Map<string, number>(TRACKS.map((track, i) => [track, i + 1]));
  const spans: TraceEvent[] = [];
  let open: { state: LifecycleState; at: number } | undefined;

  const tid = (track: string): number => {
    let id = tids.get(track);
    if (id === undefined) {
      id = tids.size + 1;
      tids.set(track, id);
    }
    return id;
  };
  const span = (
    track: string,
    cat: string,
    name: string,
    endMs: number,
    durationMs: number,
    args = {},
  ): void => {
    const startMs = endMs - durationMs;
    spans.push({
      name,
      cat,
      ph: 'X',
      ts: toMicros(startMs),
      dur: toMicros(durationMs),
      pid,
      tid: tid(track),
      args,
    });
    // performance.measure counts from performance.timeOrigin.
    if (measure) {
      performance.measure(`kratos:${name}`, {
        start: startMs - performance.timeOrigin,
        duration: durationMs,
      });
    }
  };

  const states = kernel.state$.subscribe((state) => {
    const at = now();
    if (open && open.state !== 'idle') span('lifecycle', 'state', open.state, at, at - open.at);
    open = { state, at };
  });
  const events = kernel.events$.subscribe((event) => {
    const at = now();
    switch (event.type) {
      case 'hook':
        span('hooks', 'hook', `${event.phase} ${event.hook}`, at, event.durationMs, stepArgs(event));
        return;
      case 'server-start':
      case 'server-stop':
        span(
          `server ${event.server}`,
          'server',
          `${event.type === 'server-start' ? 'start' : 'stop'} ${event.server}`,
          at,
          event.durationMs,
          stepArgs(event),
        );
        return;
      case 'register':
      case 'deregister':
        span(
          'registration',
          'registrar',
          `${event.type} ${event.registrar}`,
          at,
          event.durationMs,
          stepArgs(event),
        );
        return;
      case 'drain':
        span('drain', 'drain', 'drain', at, event.durationMs);
        return;
      default:
        return;
    }
  });

  const document = (): TraceDocument => {
    const names: TraceEvent[] = [...tids].map(([track, id]) => ({
      name: 'thread_name',
      cat: '__metadata',
      ph: 'M',
      ts: 0,
      pid,
      tid: id,
      args: { name: track },
    }));
    return { traceEvents: [...names, ...spans], displayTimeUnit: 'ms' };
  };

  return {
    document,
    write: (path) => writeFile(path, `${JSON.stringify(document(), null, 1)}\n`),
    stop: () => {
      states.unsubscribe();
      events.unsubscribe();
    },
  };
}

function stepArgs(event: {
  status: string;
  error?: unknown;
  report?: { readonly abandoned?: number };
}): Record<string, unknown> {
  const args: Record<string, unknown> = { status: event.status };
  if (event.error !== undefined) args.error = describeError(event.error);
  // A server's stop report: how many units of work it gave up when its signal aborted.
  if (event.report?.abandoned !== undefined) args.abandoned = event.report.abandoned;
  return args;
}

function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}
