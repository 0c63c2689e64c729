import { AckPolicy, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection as NatsClient } from '@nats-io/transport-node';

/** A stream `<name>` (subject `<name>`), its dead stream (subject `<name>.dead`) and a durable pull consumer. */
export async function createStreams(
  url: string,
  name: string,
  durable = 'worker',
  ackWaitMs = 30_000,
): Promise<void> {
  const client = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(client);
    await jsm.streams.add({ name, subjects: [name] });
    await jsm.streams.add({ name: `${name}-dead`, subjects: [`${name}.dead`] });
    await jsm.consumers.add(name, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitMs * 1_000_000,
      max_deliver: -1,
    });
  } finally {
    await client.close();
  }
}

/** A side client to read streams with. */
export function sideClient(url: string): Promise<NatsClient> {
  return connect({ servers: url });
}

/** Every message of a stream, in order (an ephemeral ordered consumer). */
export async function readStream(client: NatsClient, stream: string, count: number): Promise<JsMsg[]> {
  const { jetstream } = await import('@nats-io/jetstream');
  const consumer = await jetstream(client).consumers.get(stream);
  const out: JsMsg[] = [];
  while (out.length < count) {
    const message = await consumer.next({ expires: 5_000 });
    if (message === null) break;
    out.push(message);
  }
  return out;
}

/** Polls `condition` every 5 ms until it holds, or throws after `ms`. */
export async function until(condition: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A logger that keeps every line. */
export function recordingLogger(): {
  lines: { level: string; fields: unknown; message: string }[];
  logger: { debug: Fn; info: Fn; warn: Fn; error: Fn };
} {
  const lines: { level: string; fields: unknown; message: string }[] = [];
  const at =
    (level: string): Fn =>
    (fields: unknown, message?: string) =>
      void lines.push({ level, fields, message: message ?? '' });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

type Fn = (fields: unknown, message?: string) => void;
