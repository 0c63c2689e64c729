import { describe, expect, it } from '@jest/globals';
import type { ConfirmChannel } from 'amqplib';
import type { ConsumerSubscription } from '@kratos-ts/consumer';
import type { AmqpConnection } from '../../src/amqp-connection.js';
import { amqpConsumer } from '../../src/amqp-consumer.js';

// Regression: after a reconnection the consumer reopens its channel. When close() ran while that
// reopening was on its way (between createChannel and basic.consume), close() found no channel to
// close, and the reopened one was cancelled but left open, holding its deliveries until the whole
// connection closed. Now it is closed as soon as its consume is answered. The broker is a fake
// here: the race needs the reopening held at a precise step, which a real broker does not allow.

/** A channel whose `prefetch` waits until the test lets it go; it records what is called on it. */
function heldChannel(
  calls: string[],
  release: Promise<void>,
  name: string,
  closeListeners: (() => void)[],
): ConfirmChannel {
  const channel = {
    prefetch: async () => {
      calls.push(`${name} prefetch`);
      await release;
    },
    on: (event: string, listener: () => void) => {
      if (event === 'close') closeListeners.push(listener);
      return channel;
    },
    consume: async () => {
      calls.push(`${name} consume`);
      return { consumerTag: `${name}-tag` };
    },
    cancel: async (tag: string) => {
      calls.push(`${name} cancel ${tag}`);
      return {};
    },
    close: async () => {
      calls.push(`${name} close`);
    },
  };
  return channel as unknown as ConfirmChannel;
}

describe('regression: a channel reopened after a reconnection while the consumer closed was left open', () => {
  it('closes the reopened channel once its consume is answered', async () => {
    const calls: string[] = [];
    let reconnected: () => void = () => undefined;
    let releaseSecond: () => void = () => undefined;
    const secondHeld = new Promise<void>((resolve) => (releaseSecond = resolve));
    let opened = 0;
    const firstClosed: (() => void)[] = [];
    const connection = {
      assertUsable: () => undefined,
      onReconnect: (listener: () => void) => {
        reconnected = listener;
        return () => undefined;
      },
      createChannel: async () => {
        opened += 1;
        return opened === 1
          ? heldChannel(calls, Promise.resolve(), 'first', firstClosed)
          : heldChannel(calls, secondHeld, 'second', []);
      },
    } as unknown as AmqpConnection;

    const subscription: ConsumerSubscription = await amqpConsumer(connection).consume({
      queue: 'greetings',
      prefetch: 10,
      signal: new AbortController().signal,
      deliver: () => undefined,
    });
    // The connection was lost (its channel with it) and came back: the consumer reopens its
    // channel, held at prefetch.
    for (const listener of firstClosed) listener();
    reconnected();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toContain('second prefetch');

    await subscription.stopFetching();
    await subscription.close(new AbortController().signal);
    releaseSecond();
    for (let turn = 0; turn < 10 && !calls.includes('second close'); turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(calls).toEqual([
      'first prefetch',
      'first consume',
      'second prefetch',
      'second consume',
      'second cancel second-tag',
      'second close',
    ]);
  });
});
