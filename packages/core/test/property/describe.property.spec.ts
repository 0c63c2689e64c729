import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { describeError, describeValue, hasMethods } from '../../src/internal.js';

const boom = (): never => {
  throw new Error('trap');
};

/**
 * Makers of values that fight being described: throwing conversions, getters and Proxy traps,
 * revoked proxies. Makers, not values: fast-check inspects the values it generates, and these
 * would throw at it too.
 */
const hostile: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.constant(() => Object.create(null) as unknown),
  fc.constant(() => ({ toString: boom })),
  fc.constant(() => ({ toString: boom, valueOf: boom, [Symbol.toPrimitive]: boom })),
  fc.constant(() => Object.defineProperty({ toString: boom }, Symbol.toStringTag, { get: boom })),
  fc.string().map((text) => () => Object.defineProperty(new Error(text), 'message', { get: boom })),
  fc.constant(() => Object.defineProperty(new Error(''), 'name', { get: boom })),
  fc.anything().map((message) => () => Object.assign(new Error('x'), { message })),
  fc.constant(
    () =>
      new Proxy(
        {},
        { get: boom, getPrototypeOf: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom },
      ),
  ),
  fc.constant(() => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }),
  fc.string().map((text) => () => Symbol(text)),
);

const anyValue: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.anything({ withNullPrototype: true, withBigInt: true }).map((value) => () => value),
  hostile,
);

describe('describing any value never throws', () => {
  it('describeError, describeValue and hasMethods return for any value, hostile ones included', () => {
    fc.assert(
      fc.property(anyValue, (make) => {
        const value = make();
        expect(typeof describeError(value)).toBe('string');
        expect(typeof describeValue(value)).toBe('string');
        expect(typeof hasMethods(value, ['start', 'stop'])).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it("an Error's non-empty message is its description, without a final period", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (message) => {
        expect(describeError(new Error(message))).toBe(
          message.length > 1 && message.endsWith('.') ? message.slice(0, -1) : message,
        );
      }),
    );
  });
});
