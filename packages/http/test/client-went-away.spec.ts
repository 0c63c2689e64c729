import { describe, expect, it } from '@jest/globals';
import { clientWentAway, clientWentAwayMessage, connectionLostCode } from '../src/client-went-away.js';
import { describeError } from '@kratos-ts/core/internal';

const coded = (code: unknown): Error => Object.assign(new Error('x'), { code });

describe('clientWentAway', () => {
  it.each([
    'ECONNRESET',
    'ECONNABORTED',
    'EPIPE',
    'ERR_STREAM_PREMATURE_CLOSE',
    'ERR_STREAM_DESTROYED',
    'ABORT_ERR',
  ])('a %s once the connection closed is the client going away', (code) => {
    expect(clientWentAway(coded(code), 'closed')).toBe(code);
  });

  it('is never a failure reported while the connection was still open, whatever the error', () => {
    for (const outcome of ['answered', 'destroyed', 'ended'] as const) {
      expect(clientWentAway(coded('ECONNRESET'), outcome)).toBeUndefined();
    }
  });

  it('is never a server fault, even once the client left: other codes, no code, values that are not errors', () => {
    for (const error of [
      coded('ETIMEDOUT'),
      coded(42),
      new Error('db down'),
      'ECONNRESET',
      null,
      undefined,
    ]) {
      expect(clientWentAway(error, 'closed')).toBeUndefined();
    }
  });

  it('never throws: a code getter that throws, a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const getter = Object.defineProperty({}, 'code', {
      get: () => {
        throw new Error('no');
      },
    });
    expect(connectionLostCode(getter)).toBeUndefined();
    expect(connectionLostCode(proxy)).toBeUndefined();
  });

  it('its debug line names the server, method, path and code', () => {
    expect(clientWentAwayMessage('api', 'POST', '/upload', 'ECONNRESET')).toBe(
      'HTTP server "api": the client went away during POST /upload (ECONNRESET)',
    );
  });
});

describe('describeError, as the HTTP server reports failures', () => {
  it('describes any thrown value without throwing', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const badToString = {
      toString(): string {
        throw new Error('no');
      },
    };
    for (const value of [Object.create(null), badToString, proxy, Symbol('s'), 1n]) {
      expect(typeof describeError(value)).toBe('string');
    }
    expect(describeError(new Error('db down'))).toBe('db down');
  });
});
