import type { ConsumerAdapter, ConsumerSubscription, Delivery } from '@kratos-ts/consumer';

/** One step of a consumer's dealings with its adapter, in order (`at`: `performance.now()`). */
export interface Step {
  /**
   * `deliver`, `ack`/`requeue`/`retry`/`deadLetter` (asked) and `acked`… (the broker answered),
   * `stopFetching`/`fetchingStopped`, `close`/`closed`, and what the case adds (`handler-start` …).
   */
  readonly what: string;
  readonly id: string;
  readonly at: number;
}

/** Everything a consumer asked of its adapter, and when: the drain's order, observed from outside. */
export class Timeline {
  readonly steps: Step[] = [];

  add(what: string, id = ''): void {
    this.steps.push({ what, id, at: performance.now() });
  }

  /** The ids of the steps `what`, in order. */
  ids(what: string): string[] {
    return this.steps.filter((step) => step.what === what).map((step) => step.id);
  }

  /** The index of the first step `what` (of `id` when given); -1 when none. */
  first(what: string, id?: string): number {
    return this.steps.findIndex((step) => step.what === what && (id === undefined || step.id === id));
  }

  /** The index of the last step `what` (of `id` when given); -1 when none. */
  last(what: string, id?: string): number {
    return this.steps.findLastIndex((step) => step.what === what && (id === undefined || step.id === id));
  }

  /** The steps as `what id` lines, for a failure message. */
  toString(): string {
    return this.steps.map((step) => `${step.what} ${step.id}`.trim()).join(' → ');
  }
}

/**
 * `adapter`, recording on `timeline` every delivery, each settlement asked and answered, and the
 * subscription's stopFetching and close, asked and answered. It changes nothing it passes on.
 */
export function recordingAdapter(adapter: ConsumerAdapter, timeline: Timeline): ConsumerAdapter {
  /** Records `asked` now and `done` (or `<done>-failed`) once `call`'s result settles. */
  const record = (asked: string, done: string, id: string, call: () => unknown): unknown => {
    timeline.add(asked, id);
    const result = call();
    if (typeof (result as PromiseLike<unknown> | undefined)?.then !== 'function') {
      timeline.add(done, id);
      return result;
    }
    return Promise.resolve(result).then(
      (value: unknown) => {
        timeline.add(done, id);
        return value;
      },
      (error: unknown) => {
        timeline.add(`${done}-failed`, id);
        throw error;
      },
    );
  };
  const wrapDelivery = (delivery: Delivery): Delivery => ({
    id: delivery.id,
    body: delivery.body,
    attempt: delivery.attempt,
    ack: () => record('ack', 'acked', delivery.id, () => delivery.ack()),
    requeue: () => record('requeue', 'requeued', delivery.id, () => delivery.requeue()),
    retry: () => record('retry', 'retried', delivery.id, () => delivery.retry()),
    deadLetter: (reason) =>
      record('deadLetter', 'deadLettered', delivery.id, () => delivery.deadLetter(reason)),
  });
  return {
    consume: async (options) => {
      const subscription: ConsumerSubscription = await adapter.consume({
        ...options,
        deliver: (delivery) => {
          timeline.add('deliver', delivery.id);
          options.deliver(wrapDelivery(delivery));
        },
      });
      return {
        stopFetching: () => record('stopFetching', 'fetchingStopped', '', () => subscription.stopFetching()),
        close: (signal) => record('close', 'closed', '', () => subscription.close(signal)),
      };
    },
  };
}
