import type { Container } from 'inversify';
import { jetstreamManager } from '@nats-io/jetstream';
import { ConsumerServer } from '@kratos-ts/consumer';
import { AfterStop, BeforeStart, SERVER, type HookContext, type Logger } from '@kratos-ts/core';
import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
import { Greeter } from '../greeter.js';
import { decodeGreeting, greetingHandler, type HandlerDelay } from './greeting-handler.js';
import { ensureNatsGreetings, GREETINGS } from './greeting-topology.js';

/**
 * The process's NATS connection, a client resource: opened (and the streams and the durable
 * consumer created when missing) before any server starts, closed once every server stopped, so a
 * handler still running at SIGTERM can publish its reply while the consumer drains.
 */
export class GreetingsNats extends NatsConnection {
  @BeforeStart() async connect({ signal }: HookContext): Promise<void> {
    await this.open(signal);
    await ensureNatsGreetings(await jetstreamManager(this.client()));
  }

  @AfterStop() disconnect({ signal }: HookContext): Promise<void> {
    return this.close(signal);
  }
}

/**
 * Binds the greeter's JetStream consumer: the durable pull consumer `greeter` on the stream
 * `greetings` → the `Greeter` → `greetings.done`, on one connection to `url`. Returns the hook
 * class for `createKratosModule({ hooks })`.
 */
export function bindNatsGreetings(
  container: Container,
  url: string,
  delay: HandlerDelay,
  logger: Logger,
): typeof GreetingsNats {
  const nats = new GreetingsNats({ url, logger, name: 'greeter' });
  container.bind(GreetingsNats).toConstantValue(nats);
  container
    .bind(SERVER)
    .toDynamicValue(
      (ctx) =>
        new ConsumerServer({
          name: 'nats-greetings',
          adapter: natsConsumer(nats, { stream: GREETINGS.streams.input, deadLetterSubject: GREETINGS.dead }),
          queue: GREETINGS.durable,
          decode: decodeGreeting,
          handler: greetingHandler(
            ctx.get(Greeter),
            // No msgId: JetStream would drop a second reply to the same id, and hide it.
            (reply) => nats.publish(GREETINGS.done, JSON.stringify(reply)),
            delay,
          ),
        }),
    )
    .inSingletonScope();
  return GreetingsNats;
}
