import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler } from 'rxjs';
import { silentLogger } from '../../src/logging/silent-logger.js';
import { checkLogger, LOGGER_METHODS } from '../../src/options/check-logger.js';
import { checkMethods } from '../../src/options/check-methods.js';
import { checkScheduler } from '../../src/options/check-scheduler.js';

const noop = (): void => undefined;

describe('checkLogger', () => {
  it('asks for the four methods of the Logger contract', () => {
    expect(LOGGER_METHODS).toEqual(['debug', 'info', 'warn', 'error']);
  });

  it('accepts a logger with the four methods, or none', () => {
    const problems: string[] = [];
    expect(checkLogger(problems, 'logger', silentLogger)).toBe(true);
    expect(checkLogger(problems, 'logger', { debug: noop, info: noop, warn: noop, error: noop })).toBe(true);
    expect(checkLogger(problems, 'logger', undefined)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('refuses a logger with two of them, naming the missing ones', () => {
    const problems: string[] = [];
    expect(checkLogger(problems, 'logger', { debug: noop, warn: noop })).toBe(false);
    expect(problems).toEqual([
      'logger must be a Logger (a pino logger fits) with debug(), info(), warn() and error(), got an object: it has no info() and error()',
    ]);
  });

  it.each([
    [{}, 'an object'],
    [console.log, 'a function'],
    ['pino', '"pino"'],
    [null, 'null'],
  ])('refuses %p without listing what it lacks (it lacks everything)', (logger, described) => {
    const problems: string[] = [];
    checkLogger(problems, 'logger', logger);
    expect(problems).toEqual([
      `logger must be a Logger (a pino logger fits) with debug(), info(), warn() and error(), got ${described}`,
    ]);
  });

  it('never throws on a logger whose getter throws', () => {
    const hostile = {
      debug: noop,
      info: noop,
      warn: noop,
      get error(): never {
        throw new Error('no');
      },
    };
    const problems: string[] = [];
    expect(checkLogger(problems, 'logger', hostile)).toBe(false);
    expect(problems[0]).toContain('it has no error()');
  });
});

describe('checkScheduler', () => {
  it('accepts RxJS schedulers, or none', () => {
    const problems: string[] = [];
    expect(checkScheduler(problems, 'scheduler', asyncScheduler)).toBe(true);
    expect(checkScheduler(problems, 'scheduler', new TestScheduler(() => undefined))).toBe(true);
    expect(checkScheduler(problems, 'scheduler', undefined)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('refuses anything without now() and schedule()', () => {
    const problems: string[] = [];
    checkScheduler(problems, 'scheduler', { now: () => 0 });
    checkScheduler(problems, 'scheduler', 42);
    expect(problems).toEqual([
      'scheduler must be an RxJS SchedulerLike with now() and schedule(), got an object: it has no schedule(); leave it out outside tests',
      'scheduler must be an RxJS SchedulerLike with now() and schedule(), got 42: leave it out outside tests',
    ]);
  });
});

describe('checkMethods', () => {
  it('accepts an object with the methods, and a missing optional value', () => {
    const problems: string[] = [];
    expect(checkMethods(problems, 'selector', { pick: noop }, ['pick'], 'a Selector')).toBe(true);
    expect(checkMethods(problems, 'selector', undefined, ['pick'], 'a Selector')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('refuses a missing value when it is required', () => {
    const problems: string[] = [];
    expect(
      checkMethods(problems, 'the discovery', undefined, ['watch'], 'a ServiceDiscovery', {
        required: true,
        hint: 'pass an InMemoryRegistry',
      }),
    ).toBe(false);
    expect(problems).toEqual([
      'the discovery must be a ServiceDiscovery with watch(), got undefined: pass an InMemoryRegistry',
    ]);
  });

  it('names the methods missing from a partial object, then the hint', () => {
    const problems: string[] = [];
    checkMethods(problems, 'client', { lease: noop }, ['lease', 'getAll', 'watch'], 'an etcd3 client', {
      hint: 'pass new Etcd3(...)',
    });
    expect(problems).toEqual([
      'client must be an etcd3 client with lease(), getAll() and watch(), got an object: it has no getAll() and watch(); pass new Etcd3(...)',
    ]);
  });

  it('accepts methods inherited from a prototype (a class instance, pino)', () => {
    const problems: string[] = [];
    expect(checkLogger(problems, 'logger', pino({ enabled: false }))).toBe(true);
    expect(problems).toEqual([]);
  });
});
