import { asyncScheduler, type SchedulerLike, type Subscription as Scheduled } from 'rxjs';
import type { Msg } from '@nats-io/transport-node';

/** The part of a NATS client a `PullSubscription` uses (`NatsConnection.client()` has it). */
export interface PullClient {
  subscribe(subject: string, options: { callback: (error: Error | null, message: Msg) => void }): PullInbox;
  publish(subject: string, payload: string, options: { reply: string }): void;
}

/** The inbox subscription, as the client returns it. */
export interface PullInbox {
  drain(): Promise<void>;
  unsubscribe(): void;
}

/** What `new PullSubscription(...)` takes. */
export interface PullSubscriptionOptions {
  /** The stream and its durable pull consumer. */
  readonly stream: string;
  readonly consumer: string;
  /** The inbox the pulls are answered to (one per subscription). */
  readonly inbox: string;
  /** The most messages delivered and not settled, plus asked for and not yet received. */
  readonly prefetch: number;
  /** How long one pull waits on the server, in ms. */
  readonly expiresMs: number;
  /** Each JetStream message (its reply subject is the `$JS.ACK…` one). Counts as unsettled until `settled()`. */
  readonly onMessage: (message: Msg) => void;
  /**
   * A status that makes pulling pointless for now (the consumer was deleted, JetStream does not
   * answer, a bad request …): pulling resumes after a backoff. Called once per kind of problem in a row.
   */
  readonly onProblem: (problem: string) => void;
  /** The first wait before pulling again after a problem, in ms (doubles up to 5 s). */
  readonly retryMs: number;
  /** Timers: virtual in the tests. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** A pull the server has not yet answered in full. */
interface Pull {
  remaining: number;
  readonly deadline: number;
}

/**
 * JetStream's pull protocol on one inbox of its own, pulling ahead: a pull for the free room goes
 * out as soon as half of `prefetch` is free, while the messages already here are handled, so the
 * handlers never wait for a round trip — and never more than `prefetch` messages are delivered and
 * not settled plus asked for and not received, the bound on what a SIGKILL can cause to be
 * delivered twice. (nats.js's `consume()` pulls ahead without counting what is unsettled; its
 * `fetch()` opens an inbox per pull and pulls nothing while a batch is handled.)
 *
 * The server answers pulls in order, so messages are counted against the oldest pull; its status
 * `408` (expired) or `409` (refused) ends the oldest. A pull whose end never came (lost on a
 * reconnect) is dropped 1 s past its expiry, and every pull is forgotten on a reconnect.
 */
export class PullSubscription {
  readonly #options: PullSubscriptionOptions;
  readonly #scheduler: SchedulerLike;
  /** Ends the `stop()` waiting for its drain, while one does. */
  #cutShort: (() => void) | undefined;
  readonly #pulls: Pull[] = [];
  #inbox: PullInbox | undefined;
  #unsettled = 0;
  #fetching = false;
  #expiry: Scheduled | undefined;
  #retry: Scheduled | undefined;
  #failures = 0;
  #lastProblem = '';

  constructor(
    private readonly client: PullClient,
    options: PullSubscriptionOptions,
  ) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? asyncScheduler;
  }

  /** Messages delivered and not yet settled. */
  get unsettled(): number {
    return this.#unsettled;
  }

  /** Messages asked for and not yet received (or ended). */
  get requested(): number {
    return this.#pulls.reduce((sum, pull) => sum + pull.remaining, 0);
  }

  /** Subscribes to the inbox and sends the first pull. */
  start(): void {
    this.#fetching = true;
    this.#inbox = this.client.subscribe(this.#options.inbox, {
      callback: (error, message) => {
        if (error === null) this.#received(message);
      },
    });
    this.#topUp();
  }

  /** A message handed to `onMessage` was settled: its room may be pulled for again. */
  settled(): void {
    this.#unsettled = Math.max(0, this.#unsettled - 1);
    this.#topUp();
  }

  /** The connection is back: what was asked before may never come, so ask again. */
  reconnected(): void {
    this.#pulls.length = 0;
    this.#armExpiry();
    this.#topUp();
  }

  /**
   * Stops pulling. The server drops the waiting pulls once the inbox is gone; the inbox is drained
   * (unsubscribed, then a round trip), so a message the server sent just before still reaches
   * `onMessage` (to be returned) instead of being dropped here and waiting out `ack_wait`.
   * Resolves once drained, or after `boundMs` (a server that does not answer).
   */
  async stop(boundMs: number): Promise<void> {
    this.#fetching = false;
    this.#expiry?.unsubscribe();
    this.#retry?.unsubscribe();
    const inbox = this.#inbox;
    if (inbox === undefined) return;
    let bound: Scheduled | undefined;
    await Promise.race([
      inbox.drain().catch(() => inbox.unsubscribe()),
      new Promise<void>((resolve) => {
        const end = (): void => {
          this.#cutShort = undefined;
          inbox.unsubscribe();
          resolve();
        };
        this.#cutShort = end;
        bound = this.#scheduler.schedule(end, boundMs);
      }),
    ]);
    this.#cutShort = undefined;
    bound?.unsubscribe();
  }

  /**
   * Ends a `stop()` still waiting for its drain now, as its bound would: the inbox unsubscribed,
   * the bound's timer cancelled. For a close whose own signal aborted: nothing of the consumer may
   * stay scheduled after it (a timer keeps a stopped process alive). Nothing when none waits.
   */
  cutShort(): void {
    this.#cutShort?.();
  }

  #received(message: Msg): void {
    if (message.subject !== this.#options.inbox) {
      this.#countOne();
      this.#unsettled += 1;
      this.#failures = 0;
      this.#lastProblem = '';
      this.#options.onMessage(message);
      return;
    }
    const code = message.headers?.code ?? 0;
    if (code === 100 || code === 0) return; // a heartbeat, or nothing we asked about
    const description = (message.headers?.description ?? '').toLowerCase();
    if (code === 404 || code === 408) {
      this.#endOldest();
    } else if (code === 409 && !/consumer (is )?deleted|push based/.test(description)) {
      this.#endOldest(); // max waiting, max batch, leadership change: pull again
    } else {
      this.#pulls.length = 0;
      this.#backOff(`${code} ${description || 'status'}`);
      return;
    }
    this.#armExpiry();
    this.#topUp();
  }

  /** A message arrived: one fewer is owed, by the oldest pull. */
  #countOne(): void {
    const oldest = this.#pulls[0];
    if (oldest === undefined) return;
    oldest.remaining -= 1;
    if (oldest.remaining <= 0) {
      this.#pulls.shift();
      this.#armExpiry();
    }
  }

  #endOldest(): void {
    this.#pulls.shift();
  }

  #topUp(): void {
    if (!this.#fetching || this.#retry !== undefined) return;
    const { prefetch } = this.#options;
    const requested = this.requested;
    const room = prefetch - this.#unsettled - requested;
    // Half of prefetch at least: one pull per message would cost a round trip each. What holds the
    // rest (handlers, messages on their way, a pull that will expire) frees it in time.
    if (room < Math.ceil(prefetch / 2)) return;
    const { stream, consumer, inbox, expiresMs } = this.#options;
    try {
      this.client.publish(
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
        JSON.stringify({ batch: room, expires: expiresMs * 1_000_000 }),
        { reply: inbox },
      );
    } catch (error) {
      this.#backOff(error instanceof Error ? error.message : String(error));
      return;
    }
    this.#pulls.push({ remaining: room, deadline: this.#scheduler.now() + expiresMs + 1_000 });
    this.#armExpiry();
  }

  /** One timer, at the oldest pull's deadline: a pull never ended by the server is forgotten then. */
  #armExpiry(): void {
    this.#expiry?.unsubscribe();
    this.#expiry = undefined;
    const oldest = this.#pulls[0];
    if (oldest === undefined || !this.#fetching) return;
    this.#expiry = this.#scheduler.schedule(
      () => {
        this.#expiry = undefined;
        const now = this.#scheduler.now();
        while (this.#pulls[0] !== undefined && this.#pulls[0].deadline <= now) this.#pulls.shift();
        this.#armExpiry();
        this.#topUp();
      },
      Math.max(0, oldest.deadline - this.#scheduler.now()),
    );
  }

  #backOff(problem: string): void {
    this.#failures += 1;
    if (problem !== this.#lastProblem) this.#options.onProblem(problem);
    this.#lastProblem = problem;
    const delay = Math.min(5_000, this.#options.retryMs * 2 ** Math.min(this.#failures - 1, 10));
    this.#retry?.unsubscribe();
    this.#retry = this.#scheduler.schedule(() => {
      this.#retry = undefined;
      this.#topUp();
    }, delay);
  }
}
