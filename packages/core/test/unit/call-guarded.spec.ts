import { describe, expect, it } from '@jest/globals';
import { callGuarded, type GuardedCallOutcome } from '../../src/internal.js';

/** An outcome that records each call as `"<method> <value>"`, with the context it got back. */
function recording(): { lines: unknown[][]; outcome: Required<GuardedCallOutcome<string>> } {
  const lines: unknown[][] = [];
  return {
    lines,
    outcome: {
      failed: (error, context) => lines.push(['failed', error, context]),
      returned: (result, context) => lines.push(['returned', result, context]),
      fulfilled: (value, context) => lines.push(['fulfilled', value, context]),
    },
  };
}
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('callGuarded', () => {
  it('calls run with the context and reports a non-thenable result as returned, synchronously', () => {
    const { lines, outcome } = recording();
    const observable = { subscribe: () => undefined };
    for (const result of [undefined, null, 42, observable, { then: 'not a function' }])
      callGuarded((context) => (context === 'ctx' ? result : 'wrong context'), 'ctx', outcome);
    expect(lines).toEqual([
      ['returned', undefined, 'ctx'],
      ['returned', null, 'ctx'],
      ['returned', 42, 'ctx'],
      ['returned', observable, 'ctx'],
      ['returned', { then: 'not a function' }, 'ctx'],
    ]);
  });

  it('reports a synchronous throw as failed, whatever was thrown, and does not throw itself', () => {
    const { lines, outcome } = recording();
    const nullPrototype = Object.create(null) as unknown;
    expect(() =>
      callGuarded(
        () => {
          throw nullPrototype;
        },
        'ctx',
        outcome,
      ),
    ).not.toThrow();
    expect(lines).toEqual([['failed', nullPrototype, 'ctx']]);
  });

  it('reports a rejection as failed and a fulfilment as fulfilled, once settled', async () => {
    const { lines, outcome } = recording();
    callGuarded(() => Promise.reject(new Error('async')), 'a', outcome);
    callGuarded(() => Promise.resolve('value'), 'b', outcome);
    expect(lines).toEqual([]);
    await flush();
    expect(lines).toEqual([
      ['failed', new Error('async'), 'a'],
      ['fulfilled', 'value', 'b'],
    ]);
  });

  it('reports a thenable whose then throws, or whose then getter throws, as failed', () => {
    const { lines, outcome } = recording();
    const thenThrows = {
      then() {
        throw new Error('then');
      },
    };
    const getterThrows = {
      get then(): unknown {
        throw new Error('getter');
      },
    };
    callGuarded(() => thenThrows, 'a', outcome);
    callGuarded(() => getterThrows, 'b', outcome);
    expect(lines).toEqual([
      ['failed', new Error('then'), 'a'],
      ['failed', new Error('getter'), 'b'],
    ]);
  });

  it('without fulfilled, a thenable is given no fulfilment callback; a rejection still reaches failed', async () => {
    const handlers: unknown[] = [];
    const failures: unknown[] = [];
    const thenable = {
      then(onFulfilled?: unknown, onRejected?: (error: unknown) => void) {
        handlers.push(onFulfilled);
        onRejected?.('no');
      },
    };
    callGuarded(() => thenable, undefined, { failed: (error) => failures.push(error) });
    await flush();
    expect(handlers).toEqual([undefined]);
    expect(failures).toEqual(['no']);
  });
});
