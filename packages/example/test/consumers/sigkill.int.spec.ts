import { describe, expect, it } from '@jest/globals';
import { createGreeterWithAckWait } from '../support/consumer-broker.js';
import { ConsumerInstance } from '../support/consumer-instance.js';
import { useGreetingRig } from '../support/greeting-rig.js';

// SIGKILL one of two instances under load: nothing it held is lost (the broker redelivers what it
// had not acked: RabbitMQ when its connection drops, JetStream after ack_wait, 3 s here), and what
// it answered but had not acked yet is answered twice: at most its prefetch (10, the default).

const PREFETCH = 10;
const ACK_WAIT_MS = 3_000;

describe.each(['amqp', 'nats'] as const)('the example consumer on %s', (kind) => {
  const rig = useGreetingRig(kind, {
    // JetStream redelivers a dead consumer's messages after ack_wait only (30 s by default): the
    // durable is created with a short one before the example would create its own.
    prepare: async (broker) => {
      if (kind === 'nats') await createGreeterWithAckWait(broker.url, ACK_WAIT_MS);
    },
  });

  it(`SIGKILL of one of two instances under load: 0 lost, at most its prefetch (${PREFETCH}) answered twice`, async () => {
    const { broker, greetings } = rig();
    // The victim's handlers are slow (100–300 ms), so it always holds messages, up to its prefetch.
    const victim = new ConsumerInstance(broker.env({ GREET_HANDLER_MS: '100-300' }));
    const survivor = new ConsumerInstance(broker.env({ GREET_HANDLER_MS: '5-50' }));
    await Promise.all([victim.running(), survivor.running()]);
    greetings.startPublishing(100);
    // The victim is busy when it dies: it has answered, and more is on its way to it.
    await greetings.until(
      (tally) => tally.answered >= 50 && (tally.byInstance.get(victim.id ?? '') ?? 0) >= 5,
      30_000,
      'both instances answering',
    );
    const killed = await victim.stop('SIGKILL');
    const atKill = greetings.tally();
    const answered = atKill.answered;
    await greetings.until((tally) => tally.answered >= answered + 50, 30_000, 'answers after the SIGKILL');
    await greetings.stopPublishing();
    await greetings.allAnswered(30_000);
    const tally = greetings.tally();
    console.log(
      `${kind} SIGKILL (${atKill.lost.length} unanswered at the kill): published ${tally.published}, answered ${tally.answered}, lost ${tally.lost.length}, ` +
        `answered twice ${tally.twice.length} (${tally.twice.join(', ')}), per instance ` +
        `${JSON.stringify([...tally.byInstance.values()])}`,
    );

    expect(killed.signal).toBe('SIGKILL');
    expect(tally.lost).toEqual([]);
    expect(tally.twice.length).toBeLessThanOrEqual(PREFETCH);
    expect(tally.malformed).toEqual([]);
    expect((await survivor.stop('SIGTERM')).code).toBe(0);
  }, 180_000);
});
