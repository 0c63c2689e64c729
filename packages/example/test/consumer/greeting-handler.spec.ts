import { describe, expect, it } from '@jest/globals';
import { decodeGreeting, greetingHandler, type GreetingReply } from '../../src/consumer/greeting-handler.js';

// The example consumer's own logic, without a broker: what is refused (dead-lettered at once),
// what is answered, how long it waits (an injected clock), and that it resolves — so the request
// is acked — only once its reply is confirmed.

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const greeter = {
  greet: (name: string) => ({
    message: `hello ${name || 'world'}`,
    app: { id: 'i-1', name: 'greeter', version: '1' },
  }),
};
const context = (signal = new AbortController().signal) => ({ signal, id: 'm-1', attempt: 1 });

describe('decodeGreeting', () => {
  it('reads { id, name }, and greets the world when the name is missing', () => {
    expect(decodeGreeting(bytes('{"id":"a","name":"Ada"}'), 'm')).toEqual({ id: 'a', name: 'Ada' });
    expect(decodeGreeting(bytes('{"id":"a"}'), 'm')).toEqual({ id: 'a', name: '' });
  });

  it.each([
    ['not json', /not valid JSON|Unexpected token/],
    ['{"name":"x"}', /no "id"/],
    ['{"id":"","name":"x"}', /no "id"/],
    ['{"id":7,"name":"x"}', /no "id".*got 7/],
    ['{"id":"a","name":7}', /"name" is number/],
    ['[1,2]', /an array, not a JSON object/],
    ['"hi"', /string, not a JSON object/],
  ])('refuses %s, saying why (so it is dead-lettered at once)', (body, why) => {
    expect(() => decodeGreeting(bytes(body), 'm')).toThrow(why);
  });
});

describe('greetingHandler', () => {
  it('publishes { id, message, instance } and resolves only once the reply is confirmed', async () => {
    const replies: GreetingReply[] = [];
    let confirm: () => void = () => undefined;
    const handler = greetingHandler(
      greeter,
      (reply) => {
        replies.push(reply);
        return new Promise<void>((resolve) => (confirm = resolve));
      },
      { min: 0, max: 0 },
    );
    let settled = false;
    const handled = Promise.resolve(handler({ id: 'a', name: 'Ada' }, context())).then(
      () => (settled = true),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(replies).toEqual([{ id: 'a', message: 'hello Ada', instance: 'i-1' }]);
    expect(settled).toBe(false); // not acked before the broker has the reply
    confirm();
    await handled;
    expect(settled).toBe(true);
  });

  it('rejects when the reply is not confirmed, so the request is retried', async () => {
    const handler = greetingHandler(greeter, () => Promise.reject(new Error('nacked')), { min: 0, max: 0 });
    await expect(Promise.resolve(handler({ id: 'a', name: '' }, context()))).rejects.toThrow('nacked');
  });

  it.each([
    [0, 5],
    [0.5, 53],
    [0.999, 100],
  ])("waits within GREET_HANDLER_MS 5-100 (random %s → %s ms), on the message's signal", async (draw, ms) => {
    const waits: [number, AbortSignal][] = [];
    const handler = greetingHandler(
      greeter,
      async () => undefined,
      { min: 5, max: 100 },
      {
        random: () => draw,
        wait: async (wanted, signal) => void waits.push([wanted, signal]),
      },
    );
    const { signal } = new AbortController();
    await handler({ id: 'a', name: '' }, context(signal));
    expect(waits).toEqual([[ms, signal]]);
  });

  it('does not wait at all with GREET_HANDLER_MS 0, and gives up without replying when its signal aborts', async () => {
    const replies: GreetingReply[] = [];
    const noWait = greetingHandler(
      greeter,
      async (reply) => void replies.push(reply),
      { min: 0, max: 0 },
      {
        wait: () => Promise.reject(new Error('waited')),
      },
    );
    await noWait({ id: 'a', name: '' }, context());
    expect(replies).toHaveLength(1);

    const controller = new AbortController();
    const abandoned = greetingHandler(
      greeter,
      async (reply) => void replies.push(reply),
      { min: 10, max: 10 },
      {
        wait: (_ms, signal) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error)),
          ),
      },
    );
    const handled = Promise.resolve(abandoned({ id: 'b', name: '' }, context(controller.signal)));
    controller.abort(new Error('stopTimeout'));
    await expect(handled).rejects.toThrow('stopTimeout');
    expect(replies.map((reply) => reply.id)).toEqual(['a']);
  });
});
