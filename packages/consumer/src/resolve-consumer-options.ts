import type { Logger } from '@kratos-ts/core';
import {
  checkInteger,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkOptionsObject,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import type { ConsumerAdapter } from './consumer-adapter.js';
import { ConsumerErrorCode } from './consumer-error-codes.js';
import type { ConsumerHandler, MessageDecoder } from './consumer-handler.js';
import { CONSUMER_DEFAULTS, type ConsumerServerOptions } from './consumer-server-options.js';
import { jsonDecoder } from './json-decoder.js';

/** `ConsumerServerOptions` with every default applied. */
export interface ResolvedConsumerOptions<T> {
  readonly adapter: ConsumerAdapter;
  readonly queue: string;
  readonly handler: ConsumerHandler<T>;
  readonly name: string;
  readonly prefetch: number;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly decode: MessageDecoder<T>;
  readonly logger: Logger | undefined;
}

const KNOWN_OPTIONS = [
  'adapter',
  'queue',
  'handler',
  'name',
  'prefetch',
  'concurrency',
  'maxAttempts',
  'decode',
  'logger',
];
// AMQP's basic.qos prefetch-count is a 16-bit field.
const MAX_PREFETCH = 65_535;

/**
 * Checks the options and applies the defaults. Every problem is reported at once, in one
 * `KRATOS_CONSUMER_INVALID_OPTIONS` error naming the consumer.
 */
export function resolveConsumerOptions<T>(options: ConsumerServerOptions<T>): ResolvedConsumerOptions<T> {
  const problems: string[] = [];
  const raw = checkOptionsObject(
    problems,
    'the options',
    options,
    "{ adapter, queue: 'greetings', handler }",
  );
  checkKnownKeys(problems, raw, KNOWN_OPTIONS);

  const queue = raw.queue;
  const queueOk = typeof queue === 'string' && queue.trim() !== '';
  if (!queueOk) {
    problems.push(
      `queue must be the non-empty name of a queue (AMQP) or durable consumer (JetStream) such as 'greetings', got ${describeValue(queue)}`,
    );
  }
  const name = raw.name ?? (queueOk ? `consumer:${queue}` : 'consumer');
  if (typeof name !== 'string' || name === '') {
    problems.push(
      `name must be a non-empty string such as 'greetings' (default 'consumer:<queue>'), got ${describeValue(name)}`,
    );
  }
  checkMethods(
    problems,
    'adapter',
    raw.adapter,
    ['consume'],
    'a ConsumerAdapter (from @kratos-ts/amqp or @kratos-ts/nats)',
    {
      required: true,
    },
  );
  const system: unknown = (raw.adapter as { system?: unknown } | undefined)?.system;
  if (system !== undefined && (typeof system !== 'string' || system === '')) {
    problems.push(
      `adapter.system must be the broker's name as OpenTelemetry's messaging.system has it ('rabbitmq', 'nats'), or left out, got ${describeValue(system)}`,
    );
  }
  if (typeof raw.handler !== 'function') {
    problems.push(
      `handler must be an async (message, { signal }) => void function, got ${describeValue(raw.handler)}`,
    );
  }
  const prefetch = raw.prefetch ?? CONSUMER_DEFAULTS.prefetch;
  const prefetchOk = checkInteger(problems, 'prefetch', prefetch, {
    max: MAX_PREFETCH,
    unit: 'messages',
    hint: `leave it out for the default (${CONSUMER_DEFAULTS.prefetch}); 0 would mean "unbounded" to a broker`,
  });
  // Defaults to a prefetch only once that is valid: one bad prefetch is one problem, not two.
  const concurrency = raw.concurrency ?? (prefetchOk ? prefetch : 1);
  if (checkInteger(problems, 'concurrency', concurrency, { unit: 'handlers' }) && prefetchOk) {
    if ((concurrency as number) > (prefetch as number)) {
      problems.push(
        `concurrency (${concurrency as number}) must not exceed prefetch (${prefetch as number}): no more messages than prefetched can be handled at once`,
      );
    }
  }
  const maxAttempts = raw.maxAttempts ?? CONSUMER_DEFAULTS.maxAttempts;
  checkInteger(problems, 'maxAttempts', maxAttempts, {
    unit: 'deliveries',
    hint: `1 means no retry; leave it out for the default (${CONSUMER_DEFAULTS.maxAttempts})`,
  });
  if (raw.decode !== undefined && typeof raw.decode !== 'function') {
    problems.push(
      `decode must be a (body: Uint8Array, id) => message function, got ${describeValue(raw.decode)}`,
    );
  }
  checkLogger(problems, 'logger', raw.logger);

  if (problems.length > 0) {
    const subject = typeof name === 'string' && name !== '' ? `ConsumerServer "${name}"` : 'ConsumerServer';
    throw invalidOptions(ConsumerErrorCode.InvalidOptions, subject, problems);
  }
  return {
    adapter: raw.adapter as ConsumerAdapter,
    queue: queue as string,
    handler: raw.handler as ConsumerHandler<T>,
    name: name as string,
    prefetch: prefetch as number,
    concurrency: concurrency as number,
    maxAttempts: maxAttempts as number,
    decode: (raw.decode ?? jsonDecoder) as MessageDecoder<T>,
    logger: raw.logger as Logger | undefined,
  };
}
