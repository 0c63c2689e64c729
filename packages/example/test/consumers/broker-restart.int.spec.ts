import { describe, expect, it } from '@jest/globals';
import { ConsumerInstance, pollUntil } from '../support/consumer-instance.js';
import { useGreetingRig } from '../support/greeting-rig.js';

// The broker restarts under load while an instance consumes: the instance reconnects on its own
// (it is not restarted), logs the loss and the recovery once each, and every greeting the broker
// confirmed is answered. Duplicates are allowed around the outage (a reply published whose ack
// was lost with the connection is sent again); they are printed.

const LOST = /^Lost the connection to (RabbitMQ|NATS)/;
const RECOVERED = /^Reconnected to (RabbitMQ|NATS)/;

describe.each(['amqp', 'nats'] as const)('the example consumer on %s', (kind) => {
  const rig = useGreetingRig(kind);

  it('a broker restart under load: the instance resumes on its own, 0 lost, loss and recovery logged once each', async () => {
    const { broker, greetings } = rig();
    const instance = new ConsumerInstance(broker.env({ GREET_HANDLER_MS: '5-20' }));
    await instance.running();
    greetings.startPublishing(50);
    await greetings.until((tally) => tally.answered >= 30, 30_000, 'the first 30 answers');

    const restartedAt = Date.now();
    await broker.restart();
    const restartMs = Date.now() - restartedAt;
    const answered = greetings.tally().answered;
    // Resumed: answers flow again, from the same process.
    await greetings.until((tally) => tally.answered >= answered + 30, 60_000, 'answers after the restart');
    const resumedMs = Date.now() - restartedAt;
    await greetings.stopPublishing();
    const lateIds = greetings.tally().lost;
    await greetings.allAnswered(60_000);
    const allAnsweredMs = Date.now() - restartedAt;
    const message = (line: { msg?: string }): string => line.msg ?? '';
    await pollUntil(
      () => instance.lines.some((line) => RECOVERED.test(message(line))),
      30_000,
      () => `no recovery logged:\n${instance.output()}`,
    );

    const tally = greetings.tally();
    const losses = instance.lines.filter((line) => LOST.test(message(line)));
    const recoveries = instance.lines.filter((line) => RECOVERED.test(message(line)));
    console.log(
      `${kind} broker restart (${restartMs} ms; answers again ${resumedMs} ms after it began, all answered after ` +
        `${allAnsweredMs} ms, ${lateIds.length} unanswered when publishing stopped): published ${tally.published}, answered ${tally.answered}, ` +
        `lost ${tally.lost.length}, answered twice ${tally.twice.length} (${tally.twice.join(', ')}); ` +
        `logged: ${JSON.stringify([...losses, ...recoveries].map((line) => [line.level, line.code, line.msg]))}; ` +
        `other warnings and errors: ${JSON.stringify(
          instance.lines
            .filter((line) => Number(line.level) >= 40 && !losses.includes(line))
            .map((line) => [line.level, line.code, line.msg]),
        )}`,
    );
    expect(instance.alive).toBe(true);
    expect(tally.lost).toEqual([]);
    expect(tally.malformed).toEqual([]);
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ level: 40 });
    expect(recoveries).toHaveLength(1);
    expect(instance.id).toBeDefined();
    expect([...tally.byInstance.keys()]).toEqual([instance.id]);
    expect((await instance.stop('SIGTERM')).code).toBe(0);
  }, 180_000);
});
