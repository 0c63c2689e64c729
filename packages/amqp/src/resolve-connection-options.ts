import type { Channel } from 'amqplib';
import { redact, silentLogger, type Logger } from '@kratos-ts/core';
import {
  checkDuration,
  checkInteger,
  checkKnownKeys,
  checkLogger,
  checkOptionsObject,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { AMQP_CONNECTION_DEFAULTS, type AmqpConnectionOptions } from './amqp-connection-options.js';
import { AmqpErrorCode } from './amqp-error-codes.js';

/** `AmqpConnectionOptions` checked, with the defaults applied. */
export interface ResolvedConnectionOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly reconnectMinDelay: number;
  readonly reconnectMaxDelay: number;
  readonly heartbeat: number;
  readonly publishTimeout: number;
  readonly topology: ((channel: Channel) => PromiseLike<void> | void) | undefined;
}

const KNOWN = [
  'url',
  'logger',
  'reconnectMinDelay',
  'reconnectMaxDelay',
  'heartbeat',
  'publishTimeout',
  'topology',
];

/** Checks the options; `KRATOS_AMQP_INVALID_OPTIONS` lists every problem (the URL redacted). */
export function resolveConnectionOptions(options: AmqpConnectionOptions): ResolvedConnectionOptions {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, "{ url: 'amqp://127.0.0.1:5672' }");
  checkKnownKeys(problems, raw, KNOWN);
  const url = raw['url'];
  if (typeof url !== 'string' || url.trim() === '') {
    problems.push(
      `url must be a non-empty string such as 'amqp://127.0.0.1:5672', got ${typeof url === 'string' ? redact(describeValue(url)) : describeValue(url)}`,
    );
  } else if (!/^amqps?:\/\//i.test(url)) {
    problems.push(`url must start with amqp:// or amqps://, got ${redact(describeValue(url))}`);
  }
  checkLogger(problems, 'logger', raw['logger']);
  checkDuration(problems, 'reconnectMinDelay', raw['reconnectMinDelay'], { zero: false, max: 2_147_483_647 });
  checkDuration(problems, 'reconnectMaxDelay', raw['reconnectMaxDelay'], { zero: false, max: 2_147_483_647 });
  checkDuration(problems, 'publishTimeout', raw['publishTimeout'], { zero: false, max: 2_147_483_647 });
  checkInteger(problems, 'heartbeat', raw['heartbeat'], {
    min: 0,
    unit: 'seconds',
    hint: '0 turns heartbeats off',
  });
  const topology = raw['topology'];
  if (topology !== undefined && typeof topology !== 'function') {
    problems.push(
      `topology must be a function (channel) => declarations, such as async (channel) => { await channel.assertQueue('greetings', { durable: true }); }, got ${describeValue(topology)}`,
    );
  }
  if (problems.length > 0) throw invalidOptions(AmqpErrorCode.InvalidOptions, 'AmqpConnection', problems);
  const min = (raw['reconnectMinDelay'] as number | undefined) ?? AMQP_CONNECTION_DEFAULTS.reconnectMinDelay;
  const max = (raw['reconnectMaxDelay'] as number | undefined) ?? AMQP_CONNECTION_DEFAULTS.reconnectMaxDelay;
  return {
    url: url as string,
    logger: (raw['logger'] as Logger | undefined) ?? silentLogger,
    reconnectMinDelay: min,
    reconnectMaxDelay: Math.max(min, max),
    heartbeat: (raw['heartbeat'] as number | undefined) ?? AMQP_CONNECTION_DEFAULTS.heartbeat,
    publishTimeout: (raw['publishTimeout'] as number | undefined) ?? AMQP_CONNECTION_DEFAULTS.publishTimeout,
    topology: topology as ResolvedConnectionOptions['topology'],
  };
}
