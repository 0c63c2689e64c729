import { describe, expect, it } from '@jest/globals';
import { ConsumerInstance, pollUntil } from '../support/consumer-instance.js';
import { useGreetingRig } from '../support/greeting-rig.js';

// A message that is not JSON, or has no `id`: dead-lettered at once (one delivery, no retries) to
// `greetings.dead`, an error logged with a code naming the queue and the message id; the instance
// keeps answering and exits 0 on SIGTERM.

const DEAD_LETTERED = 'KRATOS_CONSUMER_MESSAGE_DEAD_LETTERED';
const POISON = ['not json', '{"name":"x"}'];

describe.each(['amqp', 'nats'] as const)('the example consumer on %s', (kind) => {
  const rig = useGreetingRig(kind);

  it('poison messages are dead-lettered at once, once each, logged with queue and id; the instance goes on', async () => {
    const { broker, greetings } = rig();
    const instance = new ConsumerInstance(broker.env());
    await instance.running();
    const deadLettered = (): typeof instance.lines =>
      instance.lines.filter((line) => line.code === DEAD_LETTERED);

    for (const body of POISON) await greetings.publishRaw(body);
    await greetings.until(
      (tally) => tally.dead >= POISON.length,
      10_000,
      'both poison messages dead-lettered',
    );
    await pollUntil(
      () => deadLettered().length >= POISON.length,
      10_000,
      () => instance.output(),
    );
    // The instance keeps answering valid messages after the poison ones.
    for (let n = 0; n < 3; n += 1) await greetings.publishOne();
    await greetings.allAnswered(10_000);

    const tally = greetings.tally();
    const logged = deadLettered();
    console.log(
      `${kind} poison: dead letters ${JSON.stringify(tally.deadLetters)}; logged ${JSON.stringify(
        logged.map(({ level, code, queue, messageId, attempt, msg }) => ({
          level,
          code,
          queue,
          messageId,
          attempt,
          msg,
        })),
      )}`,
    );
    // Once each: no retry, no loop (the valid messages published after them were answered meanwhile).
    expect(tally.deadLetters.map((letter) => letter.body)).toEqual(POISON);
    expect(logged).toHaveLength(POISON.length);
    for (const line of logged) {
      expect(line).toMatchObject({ level: 50, queue: kind === 'amqp' ? 'greetings' : 'greeter', attempt: 1 });
      expect(typeof line.messageId).toBe('string');
      expect(line.msg).toContain(String(line.messageId));
      expect(line.msg).toContain(String(line.queue));
    }
    expect(new Set(logged.map((line) => line.messageId)).size).toBe(POISON.length);
    for (const letter of tally.deadLetters) {
      if (kind === 'amqp') {
        // RabbitMQ's own record of the dead-lettering: rejected once, from `greetings`.
        const [death] = JSON.parse(letter.headers['x-death'] ?? '[]') as { count: number; queue: string }[];
        expect(death).toMatchObject({ count: 1, queue: 'greetings', reason: 'rejected' });
        expect(letter.headers['x-attempt']).toBeUndefined();
      } else {
        expect(letter.headers['Kratos-Dead-Attempt']).toBe('1');
        expect(letter.headers['Kratos-Dead-Consumer']).toBe('greeter');
      }
    }
    expect(tally.lost).toEqual([]);
    expect(tally.twice).toEqual([]);
    expect(instance.alive).toBe(true);
    expect((await instance.stop('SIGTERM')).code).toBe(0);
  }, 120_000);
});
