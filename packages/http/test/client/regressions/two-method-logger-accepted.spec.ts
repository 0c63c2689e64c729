import { describe, expect, it } from '@jest/globals';
import { isKratosError, safeLogger, type Logger } from '@kratos-ts/core';
import { createHttpClient, HttpClientErrorCode } from '../../../src/client.js';

// Issue 14 item 9: createHttpClient took any object with debug() and warn() as its logger, while
// the Logger contract has four methods and registry-etcd and the gRPC resolver asked for the four.
// Such a logger passed here and failed later, wherever info() or error() was called on it:
// safeLogger, the wrapper the client logs through, then silently loses the line (unwrapped, the call
// throws "logger.error is not a function"). A logger is now the four methods everywhere.

function twoMethodLogger(lines: string[]): Logger {
  const log = (level: string) => (objOrMsg: object | string, msg?: string) =>
    void lines.push(`${level}: ${typeof objOrMsg === 'string' ? objOrMsg : (msg ?? '')}`);
  return { debug: log('debug'), warn: log('warn') } as unknown as Logger;
}

describe('regression: a logger with two of the four methods accepted', () => {
  it('such a logger loses its info and error lines once in use', () => {
    const lines: string[] = [];
    const logger = safeLogger(twoMethodLogger(lines));
    logger.warn('kept');
    logger.error('a failure nobody will read');
    logger.info('a state change nobody will read');
    expect(lines).toEqual(['warn: kept']);
  });

  it('createHttpClient refuses it with KRATOS_HTTP_CLIENT_INVALID_OPTIONS naming the missing methods', async () => {
    let thrown: unknown;
    try {
      // Closed at once if it is accepted, so that the failing run leaks nothing.
      await createHttpClient({ target: 'http://127.0.0.1:1', logger: twoMethodLogger([]) }).close();
    } catch (error) {
      thrown = error;
    }
    expect(isKratosError(thrown) && thrown.code).toBe(HttpClientErrorCode.InvalidOptions);
    expect((thrown as Error).message).toContain(
      'logger must be a Logger (a pino logger fits) with debug(), info(), warn() and error(), got an object: it has no info() and error()',
    );
  });
});
