import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConsumerServer } from '@kratos-ts/consumer';
import { AfterStop, BeforeStart, createKratosModule, type HookContext } from '@kratos-ts/core';
import { NatsConnection, natsConsumer } from '@kratos-ts/nats';
import { startTestApp } from '@kratos-ts/testing';
import { Container, inject, injectable } from 'inversify';
import { startNats, type NatsProcess } from '../../bench/src/brokers/nats-process.js';
import { createStreams, until } from './support/nats-fixture.js';

// The connection as a hook-managed resource of a real kernel: opened before the consumer starts,
// closed after it stopped; the consumer drains on the app's stop.

let nats: NatsProcess;
const events: string[] = [];
const handled: string[] = [];
let url = '';

beforeAll(async () => {
  nats = await startNats();
  url = nats.url;
  await createStreams(url, 'greetings', 'greeter');
});
afterAll(async () => {
  await nats.dispose();
});

@injectable()
class Nats {
  readonly connection = new NatsConnection({ url });

  @BeforeStart()
  async open({ signal }: HookContext): Promise<void> {
    await this.connection.open(signal);
    events.push('open');
  }

  @AfterStop()
  async close({ signal }: HookContext): Promise<void> {
    events.push('close');
    await this.connection.close(signal);
  }
}

@injectable()
class Greetings extends ConsumerServer<{ id: string }> {
  constructor(@inject(Nats) nats: Nats) {
    super({
      adapter: natsConsumer(nats.connection, { stream: 'greetings' }),
      queue: 'greeter',
      handler: async (message) => {
        handled.push(message.id);
        await nats.connection.publish('greetings', JSON.stringify({ id: `${message.id}-again` }));
      },
    });
  }

  override async stop(signal: AbortSignal): Promise<{ abandoned: number }> {
    const report = await super.stop(signal);
    events.push('consumer stopped');
    return report;
  }
}

describe('natsConsumer under a real kernel (startTestApp)', () => {
  it('opens the connection before the consumer starts, handles messages, and closes it after the consumer stopped', async () => {
    const container = new Container();
    container.load(
      createKratosModule({ name: 'greeter', drainDelay: 0, servers: [Greetings], hooks: [Nats] }),
    );
    const app = await startTestApp(container);
    const nats = container.get(Nats);
    await nats.connection.publish('greetings', JSON.stringify({ id: 'a' }));
    await until(() => handled.includes('a-again'));
    await app.stop();
    expect(events).toEqual(['open', 'consumer stopped', 'close']);
    expect(nats.connection.phase).toBe('closed');
  });
});
