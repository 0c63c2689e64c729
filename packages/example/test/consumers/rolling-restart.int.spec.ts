import { describe, expect, it } from '@jest/globals';
import { ConsumerInstance, type ConsumerExit } from '../support/consumer-instance.js';
import { useGreetingRig } from '../support/greeting-rig.js';

// Issue 15's proof, shortened: the example's consumer, real brokers, real processes. Two instances
// under ~100 msg/s with handlers of 5–50 ms; each replaced in turn (start a new one, wait until it
// runs, SIGTERM the old, wait for its exit). From `greetings.done`: 0 lost and 0 answered twice.
// Every answer is due within 20 s of the end: less than JetStream's ack_wait (30 s), so a message
// a stopping instance held instead of returning it (nak) fails the test instead of coming late.

describe.each(['amqp', 'nats'] as const)('the example consumer on %s', (kind) => {
  const rig = useGreetingRig(kind);

  it('a rolling restart under load loses nothing and answers nothing twice; every old instance exits 0', async () => {
    const { broker, greetings } = rig();
    const env = broker.env({ GREET_HANDLER_MS: '5-50' });
    const fleet = [new ConsumerInstance(env), new ConsumerInstance(env)];
    await Promise.all(fleet.map((instance) => instance.running()));
    greetings.startPublishing(100);
    await greetings.until((tally) => tally.answered >= 50, 30_000, 'the first 50 answers');

    const exits: ConsumerExit[] = [];
    for (let index = 0; index < fleet.length; index += 1) {
      const fresh = new ConsumerInstance(env);
      await fresh.running();
      exits.push(await fleet[index]!.stop('SIGTERM'));
      fleet[index] = fresh;
      // Traffic keeps flowing to the new fleet before the next replacement.
      const answered = greetings.tally().answered;
      await greetings.until(
        (tally) => tally.answered >= answered + 50,
        30_000,
        'answers after a replacement',
      );
    }
    await greetings.stopPublishing();
    await greetings.allAnswered(20_000);
    const tally = greetings.tally();
    console.log(
      `${kind} rolling restart: published ${tally.published}, answered ${tally.answered}, ` +
        `lost ${tally.lost.length}, twice ${tally.twice.length}, answers per instance ` +
        `${JSON.stringify([...tally.byInstance.values()])}, old instances' exits ${JSON.stringify(exits)}`,
    );

    expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
    expect(tally.lost).toEqual([]);
    expect(tally.twice).toEqual([]);
    expect(tally.malformed).toEqual([]);
    expect(tally.published).toBeGreaterThanOrEqual(200);
    expect(tally.byInstance.size).toBeGreaterThan(1);
    const stopped = await Promise.all(fleet.map((instance) => instance.stop('SIGTERM')));
    expect(stopped.map((exit) => exit.code)).toEqual([0, 0]);
  }, 180_000);
});
