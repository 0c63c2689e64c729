import { describe, expect, it } from '@jest/globals';
import { isKratosError, safeLogger, type Logger } from '@kratos-ts/core';
import { DiscoveryErrorCode, watchNodes } from '../../src/index.js';
import { FakeDiscovery } from '../support/fake-discovery.js';

// Issue 14 item 9: watchNodes took any object with debug() and warn() as its logger, while the
// Logger contract has four methods and registry-etcd and the gRPC resolver asked for the four. Such
// a logger passed here and failed later, wherever info() or error() was called on it: safeLogger, the
// wrapper every package logs through, then silently loses the line (unwrapped, the call throws
// "logger.error is not a function"). A logger is now the four methods everywhere.

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

  it('watchNodes refuses it with KRATOS_DISCOVERY_INVALID_OPTIONS naming the missing methods', () => {
    let thrown: unknown;
    try {
      watchNodes(new FakeDiscovery(), 'greeter', { schemes: ['http'], logger: twoMethodLogger([]) });
    } catch (error) {
      thrown = error;
    }
    expect(isKratosError(thrown) && thrown.code).toBe(DiscoveryErrorCode.InvalidOptions);
    expect((thrown as Error).message).toContain(
      'logger must be a Logger (a pino logger fits) with debug(), info(), warn() and error(), got an object: it has no info() and error()',
    );
  });
});
