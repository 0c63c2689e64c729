/**
 * The wait between two reconnection attempts, doubling with the time the server has been gone:
 * `initialMs` at first, then half the outage so far, at most `maxMs`. nats.js asks for a wait on
 * every turn of its dial loop, not once per failed attempt (it also asks while it only waits for
 * the previous wait to pass), so a count of calls would reach `maxMs` within a few hundred ms and a
 * server back after 200 ms would be found 5 s later. The outage's length is what the backoff is for.
 */
export class ReconnectBackoff {
  #since: number | undefined;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The wait before the next attempt; the first call starts the outage's clock. */
  next(): number {
    const now = this.now();
    this.#since ??= now;
    return Math.min(this.maxMs, Math.max(this.initialMs, Math.floor((now - this.#since) / 2)));
  }

  /** Connected again: the next outage starts from `initialMs`. */
  reset(): void {
    this.#since = undefined;
  }
}
