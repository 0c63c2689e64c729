import { KratosError } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import type { FastifyApp } from './fastify-app.js';
import { HttpErrorCode } from './http-error-codes.js';
import { untilAborted } from './until-aborted.js';

/** Told when closing the app failed where nobody awaits it (after a failed or aborted start). */
export type AppCloseFailureListener = (error: KratosError) => void;

/**
 * The lifecycle of the Fastify app an `HttpServer` serves: `ready()` before it listens, `close()`
 * after its drain, each bounded by the server's signal. A Fastify instance cannot serve again once
 * closed (its `ready()` then resolves, but every route answers 503), so a closed app makes any
 * later start fail with `KRATOS_HTTP_APP_START_FAILED` instead.
 */
export class FastifyLifecycle {
  readonly #serverName: string;
  readonly #app: FastifyApp;
  readonly #onCloseFailure: AppCloseFailureListener;
  #closing: Promise<void> | undefined;
  /** The close begun after a failed or aborted start, which that start did not wait for. */
  #unawaitedClose: Promise<void> | undefined;

  /** `onCloseFailure` hears of a failed close nobody awaits: after a failed or aborted start. */
  constructor(serverName: string, app: FastifyApp, onCloseFailure: AppCloseFailureListener) {
    this.#serverName = serverName;
    this.#app = app;
    this.#onCloseFailure = onCloseFailure;
  }

  /**
   * Awaits `app.ready()`. Rejects with `KRATOS_HTTP_APP_START_FAILED` when it rejects (a plugin
   * failed: its error is the `cause`; the app is closed first, so the plugins that did load release
   * what they opened) or when the app was already closed; with `signal.reason` when `signal` aborts
   * first (the app is then closed once its `ready()` settles).
   */
  async ready(signal: AbortSignal): Promise<void> {
    if (this.#closing) {
      throw new KratosError(
        HttpErrorCode.AppStartFailed,
        `HTTP server "${this.#serverName}" cannot start: its Fastify app was closed when the server last stopped (or failed to start), and a closed Fastify instance cannot serve again. Give a new HttpServer a new Fastify instance.`,
      );
    }
    const readying = Promise.resolve(this.#app.ready());
    try {
      await untilAborted(readying, signal);
    } catch (error) {
      if (signal.aborted && error === signal.reason) {
        this.#unawaitedClose = readying.then(this.#closeUnawaited, this.#closeUnawaited);
        throw error;
      }
      await this.closeAfterFailedStart(signal);
      throw new KratosError(
        HttpErrorCode.AppStartFailed,
        `HTTP server "${this.#serverName}" failed to start: its Fastify app's ready() rejected: ${describeError(error)}. A plugin failed to load; fix the cause (kept in error.cause). Nothing listened, and the app was closed.`,
        { cause: error },
      );
    }
  }

  /**
   * Awaits `app.close()` (the `onClose` hooks). Rejects with `KRATOS_HTTP_APP_CLOSE_FAILED` when it
   * rejects, or when `signal` aborts first (the hooks go on running; the stop no longer waits).
   * Calls after the first share its close.
   */
  async close(signal: AbortSignal): Promise<void> {
    const closing = this.#startClosing();
    try {
      await untilAborted(closing, signal);
    } catch (error) {
      if (signal.aborted && error === signal.reason) {
        // Its outcome is no longer awaited: a later failure must still be heard.
        closing.catch((late: unknown) => this.#onCloseFailure(this.#closeFailed(late)));
        throw new KratosError(
          HttpErrorCode.AppCloseFailed,
          `HTTP server "${this.#serverName}" drained its connections, but its Fastify app's close() (its onClose hooks) had not finished when the stop signal aborted (stopTimeout); the stop no longer waits for it. Make the onClose hooks finish sooner, or raise stopTimeout.`,
          { cause: error },
        );
      }
      throw this.#closeFailed(error);
    }
  }

  /**
   * Closes the app after its start failed, waiting at most until `signal` aborts; never rejects
   * (a failed close goes to `onCloseFailure`).
   */
  async closeAfterFailedStart(signal: AbortSignal): Promise<void> {
    this.#unawaitedClose = this.#closeUnawaited();
    await this.settleFailedStart(signal);
  }

  /**
   * Awaits the close begun after a failed or aborted start (at once when there is none), at most
   * until `signal` aborts; never rejects. A stop that interrupted a start calls it, so that it
   * resolves once the app is closed.
   */
  async settleFailedStart(signal: AbortSignal): Promise<void> {
    if (this.#unawaitedClose) await untilAborted(this.#unawaitedClose, signal).catch(() => undefined);
  }

  readonly #closeUnawaited = (): Promise<void> =>
    this.#startClosing().catch((error: unknown) => this.#onCloseFailure(this.#closeFailed(error)));

  #startClosing(): Promise<void> {
    // A close() that throws synchronously rejects this promise instead.
    this.#closing ??= Promise.resolve()
      .then(() => this.#app.close())
      .then(() => undefined);
    return this.#closing;
  }

  #closeFailed(error: unknown): KratosError {
    return new KratosError(
      HttpErrorCode.AppCloseFailed,
      `HTTP server "${this.#serverName}": its Fastify app's close() rejected: ${describeError(error)}. An onClose hook failed; fix the cause (kept in error.cause). The connections were closed regardless.`,
      { cause: error },
    );
  }
}
