import type { Delivery } from '@kratos-ts/consumer';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamMessage } from './jetstream-message.js';
import type { NatsConnection } from './nats-connection.js';

/** What `natsDelivery` needs beside the message. */
export interface NatsDeliveryContext {
  readonly connection: NatsConnection;
  readonly stream: string;
  readonly consumer: string;
  readonly deadLetterSubject: string;
  /** Called once when the message is settled (its prefetch slot frees up). */
  readonly settled: () => void;
}

/** The header names a dead letter carries. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  /** Why it was given up on: the decode error, or the handler's last error. */
  reason: 'Kratos-Dead-Reason',
  /** The stream it came from. */
  stream: 'Kratos-Dead-Stream',
  /** The durable consumer that gave up on it. */
  consumer: 'Kratos-Dead-Consumer',
  /** The subject it was published to. */
  subject: 'Kratos-Dead-Subject',
  /** Its sequence in the stream. */
  sequence: 'Kratos-Dead-Sequence',
  /** The delivery count at which it was given up on. */
  attempt: 'Kratos-Dead-Attempt',
  /** Its id as the consumer's logs name it. */
  messageId: 'Kratos-Dead-Message-Id',
});

/**
 * A JetStream message as a `Delivery`: ack → `+ACK`, requeue and retry → `-NAK` (the delivery count
 * is the attempt), dead-letter → publish to the dead subject with JetStream ack, the cause in
 * headers, then `+TERM`. Acks are not confirmed one by one (a request each would halve the
 * throughput): the subscription's close flushes the connection, so the acks of a drain have
 * reached the server before the connection closes; an ack lost with the connection means one
 * redelivery after `ack_wait`, never a loss.
 */
export function natsDelivery(message: JetStreamMessage, context: NatsDeliveryContext): Delivery {
  const msgId = message.headers?.get('Nats-Msg-Id') ?? '';
  const id = msgId !== '' ? msgId : `${context.stream}#${message.seq}`;
  let done = false;
  const settle = <R>(work: () => R): R => {
    if (!done) {
      done = true;
      context.settled();
    }
    return work();
  };
  let headers: Readonly<Record<string, string>> | undefined;
  return {
    id,
    body: message.data,
    attempt: message.deliveryCount,
    // Made when read (the consumer reads it only to trace): the first value of each header.
    get headers() {
      if (headers === undefined && message.headers !== undefined) headers = firstValues(message.headers);
      return headers;
    },
    ack: () => settle(() => message.ack()),
    requeue: () => settle(() => message.nak()),
    retry: () => settle(() => message.nak()),
    deadLetter: (reason) =>
      settle(async () => {
        await context.connection.publish(context.deadLetterSubject, message.data, {
          // De-duplicated by the dead stream if the term below is lost and the message comes back.
          msgId: `${context.stream}:${context.consumer}:${message.seq}`,
          headers: {
            [DEAD_LETTER_HEADERS.reason]: reason.replace(/[\r\n]+/g, ' ').slice(0, 1024),
            [DEAD_LETTER_HEADERS.stream]: context.stream,
            [DEAD_LETTER_HEADERS.consumer]: context.consumer,
            [DEAD_LETTER_HEADERS.subject]: message.subject,
            [DEAD_LETTER_HEADERS.sequence]: String(message.seq),
            [DEAD_LETTER_HEADERS.attempt]: String(message.deliveryCount),
            [DEAD_LETTER_HEADERS.messageId]: id,
          },
        });
        // No reason: nats-server 2.9 ignores a `+TERM <reason>` it does not know (2.10 added it).
        message.term();
      }),
  };
}

function firstValues(headers: MsgHdrs): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, all] of headers) if (all[0] !== undefined) values[key] = all[0];
  return values;
}
