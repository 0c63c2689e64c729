import { afterEach, describe, expect, it } from '@jest/globals';
import { createKratosModule, KRATOS_OPTIONS, SERVER } from '@kratos-ts/core';
import { ConsumerServer } from '@kratos-ts/consumer';
import { startTestApp, type TestApp } from '@kratos-ts/testing';
import { Container } from 'inversify';
import { setImmediate } from 'node:timers';
import { MemoryBroker } from './support/memory-broker.js';

// ConsumerServer in a real app container, run by startTestApp (real kernel, real time). Handlers
// wait on gates the test opens, not on timers.

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns += 1) {
    if (turns > 10_000) throw new Error('condition never held');
    await turn();
  }
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('ConsumerServer in an app run by startTestApp', () => {
  it('consumes once running, and a SIGTERM drains it: the running handler finishes and is acked before the close', async () => {
    const broker = new MemoryBroker();
    const gates = new Map<string, () => void>();
    const consumer = new ConsumerServer<{ id: string }>({
      adapter: broker.adapter,
      queue: 'greetings',
      prefetch: 2,
      concurrency: 1,
      handler: (message) => new Promise<void>((resolve) => gates.set(message.id, resolve)),
    });
    const container = new Container();
    container.bind(KRATOS_OPTIONS).toConstantValue({ name: 'greeter', drainDelay: 0 });
    container.bind(SERVER).toConstantValue(consumer);
    container.load(createKratosModule());

    app = await startTestApp(container);
    expect(consumer.phase).toBe('consuming');
    expect(app.app.endpoints).toEqual([]);
    broker.publish('m1');
    broker.publish('m2');
    await until(() => gates.has('m1'));

    app.signals.emit('SIGTERM');
    await until(() => broker.log.some((line) => line.endsWith('requeue m2')));
    expect(broker.acked).toEqual([]);
    expect(app.kernel.state).toBe('stopping');

    gates.get('m1')?.();
    await app.run;

    expect(broker.log.map((line) => line.replace(/^\d+ /, ''))).toEqual([
      'consume greetings prefetch=2',
      'deliver m1#1',
      'deliver m2#1',
      'stopFetching',
      'requeue m2',
      'ack m1',
      'close',
    ]);
    expect(gates.has('m2')).toBe(false);
    expect(app.kernel.state).toBe('stopped');
  });
});
