import type { AppInfo, KernelView, LifecycleState, Logger } from '@kratos-ts/core';
import { ReplaySubject } from 'rxjs';
import { recordingLogger } from './recording-logger.js';

/** What `fakeKernelView` takes. */
export interface FakeKernelViewOptions {
  /** The state it is in at first. Default `'running'`. */
  readonly state?: LifecycleState;
  /** What `kernel.logger` is. Default: a `recordingLogger()`; pass your own to read what the server logged. */
  readonly logger?: Logger;
  /** Fields of `kernel.app` to set. Default `{ id: 'test-1', name: 'test', version: '0.0.0', metadata: {}, endpoints: [] }`. */
  readonly app?: Partial<AppInfo>;
}

/** A `KernelView` a test moves through the lifecycle by hand. */
export interface FakeKernelView extends KernelView {
  /**
   * Moves to `state`: `state` reads it and `state$` emits it at once, synchronously (nothing when it
   * is the current state). After `stopped` or `failed`, `state$` completes, as a kernel's does (a
   * later subscriber gets the last state, then the completion), and `enter` throws.
   */
  enter(state: LifecycleState): void;
}

/**
 * A stand-in for the kernel a server is handed by `attachKernel`, for a server tested on its own
 * (started and stopped by the test, no `LifecycleKernel`): it reads its logger and follows its state
 * as under a kernel.
 *
 * @example
 * const logger = recordingLogger();
 * const server = new HttpServer({ host: '127.0.0.1', port: 0, handler });
 * server.attachKernel(fakeKernelView({ logger }));
 * await server.start(new AbortController().signal);
 * // … a failing request …
 * expect(logger.messages('error')).toHaveLength(1);
 */
export function fakeKernelView(options: FakeKernelViewOptions = {}): FakeKernelView {
  const state$ = new ReplaySubject<LifecycleState>(1);
  let current: LifecycleState = options.state ?? 'running';
  const app: AppInfo = {
    id: 'test-1',
    name: 'test',
    version: '0.0.0',
    metadata: {},
    endpoints: [],
    ...options.app,
  };
  const logger = options.logger ?? recordingLogger();
  const ended = (state: LifecycleState): boolean => state === 'stopped' || state === 'failed';
  state$.next(current);
  if (ended(current)) state$.complete();
  return {
    app,
    state$: state$.asObservable(),
    get state(): LifecycleState {
      return current;
    },
    logger,
    enter(state: LifecycleState): void {
      if (ended(current)) {
        throw new Error(
          `fakeKernelView: cannot enter "${state}" after "${current}"; a kernel never leaves stopped or failed. Make a new fakeKernelView for another run.`,
        );
      }
      if (state === current) return;
      current = state;
      state$.next(state);
      if (ended(state)) state$.complete();
    },
  };
}
