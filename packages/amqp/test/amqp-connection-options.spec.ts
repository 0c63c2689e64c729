import { describe, expect, it } from '@jest/globals';
import { AmqpConnection, AmqpErrorCode, amqpConsumer } from '@kratos-ts/amqp';
import { isKratosError } from '@kratos-ts/core';

// Bad input → coded errors naming the culprit; a planted password never shows.

const PLANTED = 'pl4nted-s3cret';

function thrown(act: () => unknown): Error & { code?: string } {
  try {
    act();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('it did not throw');
}

describe('AmqpConnection options', () => {
  it('an unknown key and an empty url are both named in one KRATOS_AMQP_INVALID_OPTIONS', () => {
    const error = thrown(() => new AmqpConnection({ url: '', reconectMaxDelay: 5 } as never));
    expect(isKratosError(error) && error.code).toBe(AmqpErrorCode.InvalidOptions);
    expect(error.message).toMatch(/reconectMaxDelay/);
    expect(error.message).toMatch(/reconnectMaxDelay/); // the did-you-mean
    expect(error.message).toMatch(/url must be a non-empty string/);
  });

  it('a bad url is refused without echoing its password', () => {
    const error = thrown(() => new AmqpConnection({ url: `http://guest:${PLANTED}@127.0.0.1:1` }));
    expect(error.code).toBe(AmqpErrorCode.InvalidOptions);
    expect(error.message).not.toContain(PLANTED);
    expect(error.message).toMatch(/amqp:\/\//);
  });

  it('a delay that is no duration is refused', () => {
    const error = thrown(() => new AmqpConnection({ url: 'amqp://127.0.0.1', reconnectMinDelay: -1 }));
    expect(error.code).toBe(AmqpErrorCode.InvalidOptions);
    expect(error.message).toMatch(/reconnectMinDelay/);
  });

  it('a topology that is no function is refused, with the shape it takes', () => {
    const error = thrown(
      () => new AmqpConnection({ url: 'amqp://127.0.0.1', topology: 'greetings' as never }),
    );
    expect(error.code).toBe(AmqpErrorCode.InvalidOptions);
    expect(error.message).toMatch(/topology must be a function/);
    expect(error.message).toMatch(/assertQueue/);
  });

  it('publish before open and after close rejects with KRATOS_AMQP_NOT_OPEN, without the password', async () => {
    const connection = new AmqpConnection({ url: `amqp://guest:${PLANTED}@127.0.0.1:1` });
    const before = await connection.publish('q', 'x').catch((error: Error & { code?: string }) => error);
    expect((before as { code?: string }).code).toBe(AmqpErrorCode.NotOpen);
    await connection.close();
    const after = await connection.publish('q', 'x').catch((error: Error & { code?: string }) => error);
    expect((after as { code?: string }).code).toBe(AmqpErrorCode.NotOpen);
    expect((after as Error).message).not.toContain(PLANTED);
    expect((after as Error).message).toMatch(/closed/);
  });

  it('publish to an empty queue name is KRATOS_AMQP_INVALID_PUBLISH', async () => {
    const connection = new AmqpConnection({ url: 'amqp://127.0.0.1:1' });
    const error = await connection.publish('', 'x').catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toBe(AmqpErrorCode.InvalidPublish);
  });

  it('amqpConsumer refuses an unknown option', () => {
    const connection = new AmqpConnection({ url: 'amqp://127.0.0.1:1' });
    const error = thrown(() => amqpConsumer(connection, { prefetch: 3 } as never));
    expect(error.code).toBe(AmqpErrorCode.InvalidOptions);
    expect(error.message).toMatch(/prefetch/);
  });

  it('an unreachable broker fails open() with KRATOS_AMQP_CONNECT_FAILED, without the password', async () => {
    const connection = new AmqpConnection({ url: `amqp://guest:${PLANTED}@127.0.0.1:1` });
    const error = (await connection.open().catch((e: unknown) => e)) as Error & {
      code?: string;
      cause?: Error;
    };
    expect(error.code).toBe(AmqpErrorCode.ConnectFailed);
    expect(error.message).not.toContain(PLANTED);
    expect(String(error.cause?.message)).not.toContain(PLANTED);
    expect(connection.state).toBe('closed');
  });
});
