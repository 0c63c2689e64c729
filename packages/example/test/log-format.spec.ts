import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { logFormat, showStartupTable } from '../src/output-mode.js';
import { prettyLine, prettyStream } from '../src/pretty-log.js';

// Readable logs in a terminal, JSON everywhere else; the startup table only in a terminal with
// LOG_FORMAT unset. Decided from (env, isTTY), so every case is checked without a terminal.

describe('logFormat and showStartupTable (TTY × LOG_FORMAT)', () => {
  const cases: [LOG_FORMAT: string | undefined, tty: boolean, format: 'json' | 'pretty', table: boolean][] = [
    [undefined, true, 'pretty', true],
    [undefined, false, 'json', false],
    ['', true, 'pretty', true],
    ['', false, 'json', false],
    ['json', true, 'json', false],
    ['json', false, 'json', false],
    ['pretty', true, 'pretty', false],
    ['pretty', false, 'pretty', false],
  ];
  it.each(cases)('LOG_FORMAT=%p, TTY %p: %s logs, table %p', (value, tty, format, table) => {
    const env = value === undefined ? {} : { LOG_FORMAT: value };
    expect(logFormat(env, tty)).toBe(format);
    expect(showStartupTable(env, tty)).toBe(table);
  });

  it('rejects any other LOG_FORMAT, naming the variable', () => {
    expect(() => logFormat({ LOG_FORMAT: 'text' }, true)).toThrow('LOG_FORMAT=text must be json or pretty');
  });
});

describe('prettyLine', () => {
  const time = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();

  it('shows the local time, the level, the logger name, the message and the other fields', () => {
    const line = prettyLine(
      {
        level: 30,
        time,
        pid: 1,
        hostname: 'h',
        name: 'greeter',
        msg: 'serving on http://127.0.0.1:8000',
        phase: 'afterStart',
        endpoints: ['http://127.0.0.1:8000'],
        reason: 'signal SIGTERM',
      },
      false,
    );
    expect(line).toBe(
      '03:04:05.067 INFO  greeter: serving on http://127.0.0.1:8000 phase=afterStart ' +
        'endpoints=["http://127.0.0.1:8000"] reason="signal SIGTERM"\n',
    );
  });

  it('puts an error code among the fields and its stack, indented, below', () => {
    const line = prettyLine(
      {
        level: 50,
        time,
        msg: 'the greeter failed',
        err: { code: 'KRATOS_START_FAILED', message: 'boom', stack: 'KratosError: boom\n    at start' },
      },
      false,
    );
    expect(line).toBe(
      '03:04:05.067 ERROR the greeter failed code=KRATOS_START_FAILED\n' +
        '    KratosError: boom\n' +
        '        at start\n',
    );
  });

  it('colours the level and the fields only when asked', () => {
    expect(prettyLine({ level: 40, msg: 'hm', a: 1 }, true)).toBe(
      '\x1b[33mWARN \x1b[0m hm \x1b[90ma=1\x1b[0m\n',
    );
    expect(prettyLine({ level: 40, msg: 'hm', a: 1 }, false)).toBe('WARN  hm a=1\n');
  });
});

describe('prettyStream', () => {
  it('is a synchronous pino destination: each record becomes one readable line', () => {
    const out: string[] = [];
    const logger = pino(
      { name: 'greeter' },
      prettyStream({ write: (text: string) => out.push(text) }, false),
    );
    logger.info({ state: 'running' }, 'lifecycle running');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}greeter: lifecycle running state=running\n$/);
  });

  it('passes what is not a JSON object through as it is', () => {
    const out: string[] = [];
    prettyStream({ write: (text: string) => out.push(text) }, false).write('not json\n[1]\n');
    expect(out).toEqual(['not json\n', '[1]\n']);
  });
});
