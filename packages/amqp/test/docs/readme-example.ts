// The README's and docs/amqp.md's example, type-checked by `npm run typecheck -w packages/amqp`
// (packages/amqp/test/amqp-kernel.int.spec.ts runs the same shape against a real broker).
import 'reflect-metadata';
import { Container, inject } from 'inversify';
import {
  AfterStop,
  BeforeStart,
  createKratosModule,
  LifecycleKernel,
  Server,
  type HookContext,
} from '@kratos-ts/core';
import { ConsumerServer } from '@kratos-ts/consumer';
import { AmqpConnection, amqpConsumer } from '@kratos-ts/amqp';

/** The process's connection: a client resource, opened before any server starts, closed after all stopped. */
class Amqp extends AmqpConnection {
  constructor() {
    super({ url: process.env['AMQP_URL'] ?? 'amqp://127.0.0.1:5672' });
  }

  @BeforeStart()
  connect({ signal }: HookContext): Promise<void> {
    return this.open(signal);
  }

  @AfterStop()
  disconnect({ signal }: HookContext): Promise<void> {
    return this.close(signal);
  }
}

interface Greeting {
  readonly id: string;
  readonly name: string;
}

@Server({ name: 'greetings', stopTimeout: 30_000 })
class Greetings extends ConsumerServer<Greeting> {
  constructor(@inject(Amqp) amqp: Amqp) {
    super({
      adapter: amqpConsumer(amqp),
      queue: 'greetings', // declared with x-dead-letter-exchange '' and x-dead-letter-routing-key 'greetings.dead'
      prefetch: 10,
      handler: async ({ id, name }) => {
        // Confirmed by the broker before the input is acked.
        await amqp.publish('greetings.done', JSON.stringify({ id, message: `Hello ${name}` }), {
          messageId: id,
        });
      },
    });
  }
}

const container = new Container();
container.load(createKratosModule({ name: 'greeter', servers: [Greetings], hooks: [Amqp] }));
await container.get(LifecycleKernel).run(); // consumes until SIGTERM, then drains, then closes the connection
