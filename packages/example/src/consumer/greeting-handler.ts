import { setTimeout as sleep } from 'node:timers/promises';
import { jsonDecoder, type ConsumerHandler, type MessageDecoder } from '@kratos-ts/consumer';
import type { Greeter } from '../greeter.js';

/** What a publisher sends to `greetings`: JSON `{ "id": string, "name": string }`. */
export interface GreetingRequest {
  readonly id: string;
  readonly name: string;
}

/** What the greeter publishes to `greetings.done`: `instance` is the answering instance's `AppInfo.id`. */
export interface GreetingReply {
  readonly id: string;
  readonly message: string;
  readonly instance: string;
}

/** How long the handler waits per message, in ms: `min` to `max` inclusive, uniform (`GREET_HANDLER_MS`). */
export interface HandlerDelay {
  readonly min: number;
  readonly max: number;
}

/** Where the handler's wait comes from: injected by the tests, which run in virtual time. */
export interface HandlerClock {
  /** A number in [0, 1): picks the wait in the delay's range. Default `Math.random`. */
  readonly random?: () => number;
  /** Resolves after `ms`, rejects once `signal` aborts. Default: a real timer. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<unknown>;
}

function abortableWait(ms: number, signal: AbortSignal): Promise<unknown> {
  return sleep(ms, undefined, { signal });
}

/**
 * The body as a `GreetingRequest`. Throws — so the consumer dead-letters the message at once,
 * without retries, since no attempt can succeed — when it is not JSON, has no non-empty string
 * `id`, or has a `name` that is no string. A missing `name` greets the world, as `/hello` does.
 */
export const decodeGreeting: MessageDecoder<GreetingRequest> = (body, deliveryId) => {
  const value = jsonDecoder(body, deliveryId);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `it is ${Array.isArray(value) ? 'an array' : typeof value}, not a JSON object { "id", "name" }`,
    );
  }
  const { id, name } = value as { id?: unknown; name?: unknown };
  if (typeof id !== 'string' || id === '') {
    throw new Error(`it has no "id" (a non-empty string), got ${JSON.stringify(id) ?? 'nothing'}`);
  }
  if (name !== undefined && typeof name !== 'string') {
    throw new Error(`its "name" is ${typeof name}, not a string`);
  }
  return { id, name: name ?? '' };
};

/**
 * Answers a request from the same `Greeter` as HTTP and gRPC: waits its `delay` (abandoned when
 * the consumer gives up on it at `stopTimeout`), then publishes the reply and resolves once the
 * broker confirmed it — only then is the request acked, so a reply is never lost: at worst, after
 * a crash between the two, it is sent twice.
 */
export function greetingHandler(
  greeter: Pick<Greeter, 'greet'>,
  reply: (reply: GreetingReply) => Promise<unknown>,
  delay: HandlerDelay,
  { random = Math.random, wait = abortableWait }: HandlerClock = {},
): ConsumerHandler<GreetingRequest> {
  return async ({ id, name }, { signal }) => {
    const ms = delay.min + Math.floor(random() * (delay.max - delay.min + 1));
    if (ms > 0) await wait(ms, signal);
    const greeting = greeter.greet(name);
    await reply({ id, message: greeting.message, instance: greeting.app.id });
  };
}
