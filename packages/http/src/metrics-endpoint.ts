import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsScrape, MetricsSource } from '@kratos-ts/core';
import { describeValue } from '@kratos-ts/core/internal';

/** The path `HttpServer` serves its `metrics` on. */
export const METRICS_PATH = '/metrics';

const QUESTION_MARK = 63;
const FAILED = Buffer.from('metrics collection failed\n');

/** Told when a scrape's `collect()` threw or rejected (the scrape was answered 500). */
export type MetricsFailureListener = (error: unknown) => void;

/**
 * `GET /metrics` (and `HEAD`; a query string is ignored) of one server, answered from a
 * `MetricsSource` before the user's handler, as the probes are: in every phase of the server
 * (while the kernel is stopping too, and through the drain on the connections still open), never
 * traced nor counted in `http.server.active_requests`. A `collect()` that fails is answered 500
 * with a short text, and reported to `onFailure`.
 */
export class MetricsEndpoint {
  readonly #source: MetricsSource;
  readonly #onFailure: MetricsFailureListener;

  /** `source`: what each scrape collects; `onFailure`: hears of a failed collect. */
  constructor(source: MetricsSource, onFailure: MetricsFailureListener) {
    this.#source = source;
    this.#onFailure = onFailure;
  }

  /**
   * Answers `req` when it is a GET or HEAD of `/metrics` and returns `true`; returns `false`
   * without touching `res` otherwise.
   */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url;
    if (url === undefined || !isMetricsPath(url)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    void this.#scrape(req.method === 'HEAD', res);
    return true;
  }

  async #scrape(head: boolean, res: ServerResponse): Promise<void> {
    let scrape: MetricsScrape;
    try {
      // A collect() that throws synchronously is a failure like a rejection.
      scrape = checkScrape(await Promise.resolve().then(() => this.#source.collect()));
    } catch (error) {
      this.#fail(error, head, res);
      return;
    }
    try {
      send(res, 200, scrape.contentType, Buffer.from(scrape.body), head);
    } catch (error) {
      // A content type Node refuses as a header value (a line break in it).
      this.#fail(error, head, res);
    }
  }

  #fail(error: unknown, head: boolean, res: ServerResponse): void {
    try {
      this.#onFailure(error);
    } catch {
      // Reporting failed too (the listener logs through safeLogger, so hardly): the 500 still tells.
    }
    send(res, 500, 'text/plain; charset=utf-8', FAILED, head);
  }
}

/** A scrape that is not `{ contentType: string, body: string }` is a failed collect. */
function checkScrape(scrape: unknown): MetricsScrape {
  const { contentType, body } = (scrape ?? {}) as Partial<Record<keyof MetricsScrape, unknown>>;
  if (typeof contentType === 'string' && typeof body === 'string') return { contentType, body };
  throw new TypeError(
    `collect() must resolve with { contentType: string, body: string }, got ${describeValue(scrape)}`,
  );
}

function send(res: ServerResponse, status: number, contentType: string, body: Buffer, head: boolean): void {
  // The client may have gone away while collect() ran: there is nobody to answer then.
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : body);
}

function isMetricsPath(url: string): boolean {
  return (
    url.startsWith(METRICS_PATH) &&
    (url.length === METRICS_PATH.length || url.charCodeAt(METRICS_PATH.length) === QUESTION_MARK)
  );
}
