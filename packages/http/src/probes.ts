import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LifecycleState } from '@kratos-ts/core';
import type { Observable, Subscription } from 'rxjs';
import { probeVerdict, type ProbeVerdict } from './probe-verdict.js';
import type { ProbePaths } from './resolve-http-server-options.js';
import type { ServerPhase } from './server-phase.js';

const QUESTION_MARK = 63;
const OK = Buffer.from('ok\n');
const UNAVAILABLE = Buffer.from('unavailable\n');

/**
 * The liveness and readiness probes of one server. They follow the kernel's `state$` (handed over
 * by `attachKernel`), are answered before the user's handler, and expose only a status: 200 `ok`
 * or 503 `unavailable`, never the state or anything about the app.
 */
export class Probes {
  readonly #paths: ProbePaths | false;
  #kernelState: LifecycleState | undefined;
  #subscription: Subscription | undefined;

  /** `paths`: where to answer, or `false` to answer no probe (readiness is still tracked). */
  constructor(paths: ProbePaths | false) {
    this.#paths = paths;
  }

  /** The kernel's last published state; `undefined` until a kernel is watched. */
  get kernelState(): LifecycleState | undefined {
    return this.#kernelState;
  }

  /** Follows `state$` from now on, instead of any stream followed before. */
  watch(state$: Observable<LifecycleState>): void {
    this.unwatch();
    this.#subscription = state$.subscribe((state) => (this.#kernelState = state));
  }

  /** Stops following the kernel; the last state seen is kept. */
  unwatch(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }

  /** The current answer for a server in `phase`. */
  verdict(phase: ServerPhase): ProbeVerdict {
    return probeVerdict(this.#kernelState, phase);
  }

  /**
   * Answers `req` when it is a GET or HEAD of a probe path (a query string is ignored) and returns
   * `true`; returns `false` without touching `res` otherwise.
   */
  answer(req: IncomingMessage, res: ServerResponse, phase: ServerPhase): boolean {
    const paths = this.#paths;
    const url = req.url;
    if (paths === false || url === undefined) return false;
    let ok: boolean;
    if (isPath(url, paths.readyPath)) ok = this.verdict(phase).ready;
    else if (isPath(url, paths.livePath)) ok = this.verdict(phase).live;
    else return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const body = ok ? OK : UNAVAILABLE;
    res.writeHead(ok ? 200 : 503, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}

function isPath(url: string, path: string): boolean {
  return (
    url.startsWith(path) && (url.length === path.length || url.charCodeAt(path.length) === QUESTION_MARK)
  );
}
