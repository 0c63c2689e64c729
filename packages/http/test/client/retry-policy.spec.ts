import { describe, expect, it } from '@jest/globals';
import {
  IDEMPOTENT_METHODS,
  isConnectionLoss,
  isRequestError,
  isRetryable,
  shouldRetry,
  type AttemptOutcome,
} from '../../src/client/retry-policy.js';

const coded = (code: string): Error => Object.assign(new Error(code), { code });
const unsent = (code: string): AttemptOutcome => ({ kind: 'failure', error: coded(code), written: false });
const written = (code: string): AttemptOutcome => ({ kind: 'failure', error: coded(code), written: true });
const status = (statusCode: number): AttemptOutcome => ({ kind: 'response', statusCode });

const IDEMPOTENT = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
const NOT_IDEMPOTENT = ['POST', 'PATCH', 'get', 'PURGE'];

describe('retry policy', () => {
  it('idempotent methods are GET HEAD OPTIONS PUT DELETE, by exact name', () => {
    expect([...IDEMPOTENT_METHODS].sort()).toEqual([...IDEMPOTENT].sort());
  });

  it.each([
    'ECONNREFUSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'ENOTFOUND',
    'UND_ERR_SOCKET',
    'ECONNRESET',
    'UND_ERR_CLOSED',
  ])('a request never written (%s) is retried whatever its method', (code) => {
    for (const method of [...IDEMPOTENT, ...NOT_IDEMPOTENT]) {
      expect(isRetryable(method, unsent(code))).toBe(true);
    }
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT'])(
    'a written request whose connection was lost (%s) is retried only when idempotent',
    (code) => {
      expect(isConnectionLoss(coded(code))).toBe(true);
      for (const method of IDEMPOTENT) expect(isRetryable(method, written(code))).toBe(true);
      for (const method of NOT_IDEMPOTENT) expect(isRetryable(method, written(code))).toBe(false);
    },
  );

  it('a written request that failed otherwise (a bad response, an unknown error) is not retried', () => {
    expect(isRetryable('GET', written('HPE_INVALID_CONSTANT'))).toBe(false);
    expect(isRetryable('GET', { kind: 'failure', error: new Error('boom'), written: true })).toBe(false);
    expect(isRetryable('GET', { kind: 'failure', error: 'not an error', written: true })).toBe(false);
  });

  it.each([
    'UND_ERR_INVALID_ARG',
    'UND_ERR_NOT_SUPPORTED',
    'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
    'ERR_INVALID_CHAR',
  ])('a malformed request (%s) is never retried: every node would refuse it', (code) => {
    expect(isRequestError(coded(code))).toBe(true);
    expect(isRetryable('GET', unsent(code))).toBe(false);
    expect(isRetryable('POST', unsent(code))).toBe(false);
  });

  it('a 503 is retried only when idempotent; any other status is the answer', () => {
    for (const method of IDEMPOTENT) expect(isRetryable(method, status(503))).toBe(true);
    for (const method of NOT_IDEMPOTENT) expect(isRetryable(method, status(503))).toBe(false);
    for (const code of [200, 204, 301, 400, 404, 429, 500, 502, 504]) {
      expect(isRetryable('GET', status(code))).toBe(false);
    }
  });

  it('shouldRetry allows at most max retries (max + 1 attempts in all)', () => {
    const outcome = unsent('ECONNREFUSED');
    expect([1, 2, 3].map((attempts) => shouldRetry('POST', outcome, attempts, 2))).toEqual([
      true,
      true,
      false,
    ]);
    expect(shouldRetry('GET', outcome, 1, 0)).toBe(false);
    expect(shouldRetry('GET', status(503), 1, 1)).toBe(true);
    expect(shouldRetry('GET', status(503), 2, 1)).toBe(false);
    expect(shouldRetry('POST', written('ECONNRESET'), 1, 5)).toBe(false);
  });
});
