/** One message read from `greetings.dead`: its body and headers, as strings. */
export interface GreetingDeadLetter {
  /** The body, decoded as UTF-8. */
  readonly body: string;
  /** The message's headers (AMQP properties' headers, NATS headers), values as strings. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What a broker side reports to the traffic: answers and dead letters as they arrive. */
export interface GreetingSink {
  /** A message read from `greetings.done` (each broker message once). */
  done(body: string): void;
  /** A message read from `greetings.dead`. */
  dead(letter: GreetingDeadLetter): void;
}

/**
 * The broker-specific half of `greetingTraffic`: publishes with confirmation to `greetings` and
 * feeds what it reads from `greetings.done` and `greetings.dead` to a sink, across broker restarts.
 */
export interface GreetingBrokerSide {
  /** Resolves once the broker confirmed the message; rejects if it did not (the caller retries). */
  publish(body: Uint8Array, messageId: string | undefined): Promise<void>;
  /** Stops reading and closes the connection, within a few seconds even if the broker is gone. */
  close(): Promise<void>;
}

/** Resolves with `work`'s outcome, or after `ms` whatever happened (for clean-ups that must end). */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}
