import type { Container } from 'inversify';
import { AmqpConnection, amqpConsumer } from '@kratos-ts/amqp';
import { ConsumerServer } from '@kratos-ts/consumer';
import { AfterStop, BeforeStart, SERVER, type HookContext, type Logger } from '@kratos-ts/core';
import { Greeter } from '../greeter.js';
import { decodeGreeting, greetingHandler, type HandlerDelay } from './greeting-handler.js';
import { declareAmqpGreetings, GREETINGS } from './greeting-topology.js';

/**
 * The process's RabbitMQ connection, a client resource: opened (and the queues declared) before
 * any server starts, closed once every server stopped, so a handler still running at SIGTERM can
 * publish its reply while the consumer drains.
 */
export class GreetingsAmqp extends AmqpConnection {
  @BeforeStart() connect({ signal }: HookContext): Promise<void> {
    return this.open(signal);
  }

  @AfterStop() disconnect({ signal }: HookContext): Promise<void> {
    return this.close(signal);
  }
}

/**
 * Binds the greeter's RabbitMQ consumer: `greetings` → the `Greeter` → `greetings.done`, on one
 * connection to `url` whose topology (the three durable queues) is declared on every connection.
 * Returns the hook class for `createKratosModule({ hooks })`.
 */
export function bindAmqpGreetings(
  container: Container,
  url: string,
  delay: HandlerDelay,
  logger: Logger,
): typeof GreetingsAmqp {
  const amqp = new GreetingsAmqp({ url, logger, topology: declareAmqpGreetings });
  container.bind(GreetingsAmqp).toConstantValue(amqp);
  container
    .bind(SERVER)
    .toDynamicValue(
      (ctx) =>
        new ConsumerServer({
          name: 'amqp-greetings',
          adapter: amqpConsumer(amqp, { logger }),
          queue: GREETINGS.input,
          decode: decodeGreeting,
          handler: greetingHandler(
            ctx.get(Greeter),
            (reply) => amqp.publish(GREETINGS.done, JSON.stringify(reply), { messageId: reply.id }),
            delay,
          ),
        }),
    )
    .inSingletonScope();
  return GreetingsAmqp;
}
