import type { Msg, MsgHdrs } from '@nats-io/transport-node';

/** What a consumer needs of a JetStream message: its payload, where it sits, and how to settle it. */
export interface JetStreamMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  /** Its sequence in the stream. */
  readonly seq: number;
  /** How many times JetStream delivered it, this time included. */
  readonly deliveryCount: number;
  /** Acknowledge it (not confirmed: the stop flushes the connection before closing). */
  ack(): void;
  /** Have it redelivered now. */
  nak(): void;
  /** Never deliver it again. */
  term(): void;
}

const ACK = new Uint8Array([43, 65, 67, 75]); // +ACK
const NAK = new Uint8Array([45, 78, 65, 75]); // -NAK
const TERM = new Uint8Array([43, 84, 69, 82, 77]); // +TERM

/**
 * A message delivered to a pull inbox as a `JetStreamMessage`. Its reply subject says where it
 * sits: `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`, or
 * the newer form with a domain and an account hash after `$JS.ACK` (and a token at the end).
 * Returns `undefined` for a message that is not from JetStream (no such reply subject).
 */
export function jetstreamMessage(message: Msg): JetStreamMessage | undefined {
  const reply = message.reply ?? '';
  const tokens = reply.split('.');
  if (tokens[0] !== '$JS' || tokens[1] !== 'ACK') return undefined;
  const at = tokens.length === 9 ? 4 : 6; // the index of <delivered>
  const deliveryCount = Number(tokens[at]);
  const seq = Number(tokens[at + 1]);
  if (tokens.length < 9 || !Number.isInteger(deliveryCount) || !Number.isInteger(seq)) return undefined;
  let settled = false;
  const respond = (payload: Uint8Array): void => {
    if (settled) return;
    settled = true;
    message.respond(payload);
  };
  return {
    subject: message.subject,
    data: message.data,
    headers: message.headers,
    seq,
    deliveryCount,
    ack: () => respond(ACK),
    nak: () => respond(NAK),
    term: () => respond(TERM),
  };
}
