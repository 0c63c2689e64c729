// The README's example, type-checked by `npm run typecheck -w packages/consumer`. The adapter is
// declared, not built: the RabbitMQ and NATS adapters come with @kratos-ts/amqp and @kratos-ts/nats.
import 'reflect-metadata';
import { Container } from 'inversify';
import { createKratosModule, KRATOS_OPTIONS, LifecycleKernel, SERVER } from '@kratos-ts/core';
import { ConsumerServer, type ConsumerAdapter } from '@kratos-ts/consumer';

declare const adapter: ConsumerAdapter; // e.g. from @kratos-ts/amqp (coming)
declare function greet(name: string, signal: AbortSignal): Promise<void>;

interface Greeting {
  readonly id: string;
  readonly name: string;
}

const container = new Container();
container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', version: '1.0.0', stopTimeout: 30_000 });
container.bind(SERVER).toConstantValue(
  new ConsumerServer<Greeting>({
    adapter,
    queue: 'greetings',
    prefetch: 10, // the default
    maxAttempts: 5, // the default: then dead-lettered
    handler: async (message, { signal }) => {
      await greet(message.name, signal); // resolves → ack; throws → retry
    },
  }),
);
container.load(createKratosModule());
await container.get(LifecycleKernel).run(); // consumes until SIGTERM, then drains and stops
