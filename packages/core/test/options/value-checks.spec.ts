import { describe, expect, it } from '@jest/globals';
import { checkAbortSignal } from '../../src/options/check-abort-signal.js';
import { checkBoolean } from '../../src/options/check-boolean.js';
import { checkDuration } from '../../src/options/check-duration.js';
import { checkEnum } from '../../src/options/check-enum.js';
import { checkInteger } from '../../src/options/check-integer.js';
import { checkOptionsObject } from '../../src/options/check-options-object.js';

/** The problems `check` pushed, and what it returned. */
function run(check: (problems: string[]) => boolean): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const ok = check(problems);
  return { ok, problems };
}

describe('checkDuration', () => {
  it.each([[undefined], [0], [1], [1.5], [2_147_483_647]])('accepts %p when 0 is allowed', (value) => {
    expect(run((p) => checkDuration(p, 'drainDelay', value, { zero: true }))).toEqual({
      ok: true,
      problems: [],
    });
  });

  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['5s', '"5s"'],
    [null, 'null'],
    [{}, 'an object'],
  ])('refuses %p, naming the option, the value and the unit', (value, described) => {
    expect(run((p) => checkDuration(p, 'drainDelay', value, { zero: true }))).toEqual({
      ok: false,
      problems: [`drainDelay must be a finite number of milliseconds >= 0, got ${described}`],
    });
  });

  it('refuses 0 when the option needs > 0, with its hint', () => {
    expect(
      run((p) =>
        checkDuration(p, 'timeout', 0, { zero: false, hint: 'leave it out for the default (3000)' }),
      ),
    ).toEqual({
      ok: false,
      problems: [
        'timeout must be a finite number of milliseconds > 0, got 0: leave it out for the default (3000)',
      ],
    });
  });

  it('refuses a value above the max, saying the max', () => {
    const { ok, problems } = run((p) =>
      checkDuration(p, 'timeout', 2 ** 31, { zero: false, max: 2_147_483_647 }),
    );
    expect(ok).toBe(false);
    expect(problems).toEqual([
      'timeout must be a finite number of milliseconds > 0 and <= 2147483647, got 2147483648',
    ]);
  });

  it('refuses a fraction when whole milliseconds are needed', () => {
    expect(run((p) => checkDuration(p, 'initialBackoff', 0.5, { zero: false, whole: true }))).toEqual({
      ok: false,
      problems: ['initialBackoff must be a whole number of milliseconds > 0, got 0.5'],
    });
    expect(run((p) => checkDuration(p, 'initialBackoff', 100, { zero: false, whole: true })).ok).toBe(true);
  });
});

describe('checkInteger', () => {
  it.each([[undefined], [1], [Number.MAX_SAFE_INTEGER]])('accepts %p as a positive integer', (value) => {
    expect(run((p) => checkInteger(p, 'maxResponseBytes', value)).ok).toBe(true);
  });

  it.each([
    [0, '0'],
    [1.5, '1.5'],
    [2 ** 53, '9007199254740992'],
    ['1', '"1"'],
  ])('refuses %p, with the unit and the hint', (value, described) => {
    expect(
      run((p) => checkInteger(p, 'maxResponseBytes', value, { unit: 'bytes', hint: 'the largest body' })),
    ).toEqual({
      ok: false,
      problems: [`maxResponseBytes must be a whole number of bytes >= 1, got ${described}: the largest body`],
    });
  });

  it('checks a range', () => {
    expect(run((p) => checkInteger(p, 'port', 0, { min: 0, max: 65_535 })).ok).toBe(true);
    expect(run((p) => checkInteger(p, 'port', 70_000, { min: 0, max: 65_535 })).problems).toEqual([
      'port must be a whole number from 0 to 65535, got 70000',
    ]);
  });
});

describe('checkBoolean', () => {
  it.each([[undefined], [true], [false]])('accepts %p', (value) => {
    expect(run((p) => checkBoolean(p, 'secure', value)).ok).toBe(true);
  });

  it.each([
    ['false', '"false"'],
    [0, '0'],
    [null, 'null'],
  ])('refuses %p: no truthy strings', (value, described) => {
    expect(run((p) => checkBoolean(p, 'secure', value, { hint: 'true dials https' }))).toEqual({
      ok: false,
      problems: [`secure must be true or false, got ${described}: true dials https`],
    });
  });
});

describe('checkEnum', () => {
  it.each([[undefined], ['stop'], ['ignore']])('accepts %p', (value) => {
    expect(run((p) => checkEnum(p, 'uncaughtErrors', value, ['stop', 'ignore'])).ok).toBe(true);
  });

  it('refuses anything else, listing the values', () => {
    expect(run((p) => checkEnum(p, 'uncaughtErrors', 'exit', ['stop', 'ignore']))).toEqual({
      ok: false,
      problems: ['uncaughtErrors must be one of "stop", "ignore", got "exit"'],
    });
    expect(run((p) => checkEnum(p, 'level', 'STOP', ['stop'])).ok).toBe(false);
  });
});

describe('checkAbortSignal', () => {
  it('accepts a signal, or none', () => {
    expect(run((p) => checkAbortSignal(p, 'signal', new AbortController().signal)).ok).toBe(true);
    expect(run((p) => checkAbortSignal(p, 'signal', undefined)).ok).toBe(true);
  });

  it('refuses a look-alike', () => {
    expect(run((p) => checkAbortSignal(p, 'signal', { aborted: false }))).toEqual({
      ok: false,
      problems: ['signal must be an AbortSignal such as AbortSignal.timeout(5000), got an object'],
    });
  });
});

describe('checkOptionsObject', () => {
  it('gives the object itself', () => {
    const options = { port: 1 };
    const problems: string[] = [];
    expect(checkOptionsObject(problems, 'the options', options, '{ port: 9000 }')).toBe(options);
    expect(problems).toEqual([]);
  });

  it.each([
    [null, 'null'],
    [[], 'an empty array'],
    ['port', '"port"'],
  ])('refuses %p and gives {} so that the other checks run', (options, described) => {
    const problems: string[] = [];
    expect(checkOptionsObject(problems, 'the options', options, '{ port: 9000 }')).toEqual({});
    expect(problems).toEqual([`the options must be an object such as { port: 9000 }, got ${described}`]);
  });
});
