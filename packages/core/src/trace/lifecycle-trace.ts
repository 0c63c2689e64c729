import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Observable } from 'rxjs';
import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { LifecycleState } from '../contracts/lifecycle-state.js';
import { describeError } from '../errors/describe.js';

/** One Chrome trace event: a complete span (`ph: 'X'`) or a track name (`ph: 'M'`). Times in µs. */
export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X' | 'M';
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args: Readonly<Record<string, unknown>>;
}

/** The JSON that Perfetto (ui.perfetto.dev) and chrome://tracing open. */
export interface TraceDocument {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
}

/** What `lifecycleTrace` follows: a `LifecycleKernel`, or anything with its two streams. */
export interface TracedKernel {
  readonly state$: Observable<LifecycleState>;
  readonly events$: Observable<LifecycleEvent>;
}

/** What `lifecycleTrace` takes. */
export interface LifecycleTraceOptions {
  /** The clock, in ms. Default `performance.now()`; a scheduler's `now` in virtual-time tests. */
  readonly now?: () => number;
  /** Also record each span as a `performance.measure` named `kratos:<span>`. Default: with the default clock. */
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
  const now = options.now ?? (() => performance.now());
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
    if (measure) performance.measure(`kratos:${name}`, { start: startMs, duration: durationMs });
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

function stepArgs(event: { status: string; error?: unknown }): Record<string, unknown> {
  return event.error === undefined
    ? { status: event.status }
    : { status: event.status, error: describeError(event.error) };
}

function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}
