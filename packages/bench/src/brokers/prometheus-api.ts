/** One sample: Prometheus' timestamp in seconds (fractional) and the value. */
export interface PromSample {
  readonly time: number;
  readonly value: number;
}

/** One series of an instant or range query: its labels and its samples, oldest first. */
export interface PromSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly PromSample[];
}

/** What the API answers (`status`, `data.resultType`, `data.result`), as far as read here. */
interface ApiAnswer {
  readonly status: 'success' | 'error';
  readonly error?: string;
  readonly errorType?: string;
  readonly data?: {
    readonly resultType: 'matrix' | 'vector' | 'scalar' | 'string';
    readonly result: readonly {
      readonly metric: Record<string, string>;
      readonly value?: readonly [number, string];
      readonly values?: readonly (readonly [number, string])[];
    }[];
  };
}

/**
 * A small client of Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`): PromQL in,
 * series out, every value parsed to a number. An `error` answer (bad PromQL, a timeout) rejects
 * with Prometheus' own message and the query.
 */
export class PrometheusApi {
  readonly #url: string;

  /** `url`: the server's base URL, `http://127.0.0.1:PORT`. */
  constructor(url: string) {
    this.#url = url.replace(/\/$/, '');
  }

  /**
   * An instant query at `time` (seconds; default now). A range selector (`metric[5m]`) returns
   * the raw samples scraped in that window, per series: what was really scraped, no staleness
   * markers, no interpolation.
   */
  async query(promql: string, time?: number): Promise<PromSeries[]> {
    return this.#get(
      'query',
      { query: promql, ...(time === undefined ? {} : { time: String(time) }) },
      promql,
    );
  }

  /** A range query, evaluated every `stepSeconds` from `start` to `end` (seconds). */
  async queryRange(promql: string, start: number, end: number, stepSeconds: number): Promise<PromSeries[]> {
    return this.#get(
      'query_range',
      { query: promql, start: String(start), end: String(end), step: String(stepSeconds) },
      promql,
    );
  }

  async #get(endpoint: string, params: Record<string, string>, promql: string): Promise<PromSeries[]> {
    const response = await fetch(
      `${this.#url}/api/v1/${endpoint}?${new URLSearchParams(params).toString()}`,
      {
        signal: AbortSignal.timeout(10_000),
      },
    );
    const answer = (await response.json()) as ApiAnswer;
    if (answer.status !== 'success' || answer.data === undefined) {
      throw new Error(
        `Prometheus answered ${response.status} ${answer.errorType ?? ''}: ${answer.error ?? 'no data'} (${endpoint} ${promql})`,
      );
    }
    const toSample = ([time, value]: readonly [number, string]): PromSample => ({
      time,
      value: Number(value),
    });
    return answer.data.result.map((series) => ({
      labels: series.metric,
      samples: series.values ? series.values.map(toSample) : series.value ? [toSample(series.value)] : [],
    }));
  }
}
