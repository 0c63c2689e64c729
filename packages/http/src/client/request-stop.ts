/** Why a request stopped early. */
export type StopKind = 'timeout' | 'aborted' | 'closed';

/**
 * Why a request stopped early: the reason its `RequestStop` stops with, and the error undici's
 * abort gets (its message never reaches the caller, who gets the KratosError built from it).
 */
export class Stop extends Error {
  constructor(
    readonly kind: StopKind,
    readonly reason?: unknown,
  ) {
    super(`request stopped: ${kind}`);
  }
}

/**
 * What an attempt listens to for "stop now": the part of `AbortSignal` it uses, so that an
 * `AbortSignal` serves as well as a `RequestStop`.
 */
export interface StopSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The stop switch of one request: an `AbortController` without its cost. A request makes one of
 * these whatever happens, and most never stop, so it holds no `EventTarget`, only the listeners
 * it is given (an attempt in flight, a body being streamed); `signal` makes a real `AbortSignal`
 * on demand (to wait for the first nodes).
 */
export class RequestStop implements StopSignal {
  #reason: Stop | undefined;
  #listeners: (() => void)[] | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  /** The `Stop` it stopped with, `undefined` while it has not. */
  get reason(): Stop | undefined {
    return this.#reason;
  }

  /** An `AbortSignal` that aborts (with the same reason) when this stops. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Stops, once: later calls keep the first reason. Calls every listener, once. */
  stop(reason: Stop): void {
    if (this.#reason) return;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    this.#controller?.abort(reason);
    if (listeners) for (const listener of listeners) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    if (!listeners) return;
    const at = listeners.indexOf(listener);
    if (at >= 0) listeners.splice(at, 1);
  }
}
