import { redact, type Logger } from '@kratos-ts/core';
import {
  checkDuration,
  checkKnownKeys,
  checkLogger,
  checkOptionsObject,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { NATS_CONNECTION_DEFAULTS, type NatsConnectionOptions } from './nats-connection-options.js';
import { NatsErrorCode } from './nats-error-codes.js';

/** `NatsConnectionOptions` checked, with defaults, and the URL split from its credentials. */
export interface ResolvedNatsConnectionOptions {
  /** `host:port` for the client: no credentials. */
  readonly server: string;
  /** The URL as it may be logged. */
  readonly redactedUrl: string;
  readonly user: string | undefined;
  readonly pass: string | undefined;
  readonly name: string;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  readonly publishTimeoutMs: number;
  readonly logger: Logger | undefined;
}

const KNOWN = ['url', 'name', 'reconnectInitialMs', 'reconnectMaxMs', 'publishTimeoutMs', 'logger'];

/** Checks the options; every problem in one `KRATOS_NATS_INVALID_OPTIONS` error. */
export function resolveNatsConnectionOptions(options: NatsConnectionOptions): ResolvedNatsConnectionOptions {
  const problems: string[] = [];
  const raw = checkOptionsObject(problems, 'the options', options, "{ url: 'nats://127.0.0.1:4222' }");
  checkKnownKeys(problems, raw, KNOWN);
  let server = '';
  let user: string | undefined;
  let pass: string | undefined;
  const url = raw.url;
  const redactedUrl = typeof url === 'string' ? redact(url) : describeValue(url);
  if (typeof url !== 'string' || url.trim() === '') {
    problems.push(`url must be a non-empty nats://host:port URL, got ${redactedUrl}`);
  } else {
    try {
      const parsed = new URL(url.includes('://') ? url : `nats://${url}`);
      if (parsed.hostname === '') throw new Error('no host');
      server = `${parsed.hostname}:${parsed.port === '' ? '4222' : parsed.port}`;
      if (parsed.username !== '') user = decodeURIComponent(parsed.username);
      if (parsed.password !== '') pass = decodeURIComponent(parsed.password);
    } catch {
      problems.push(`url must be a nats://host:port URL, got ${redactedUrl}`);
    }
  }
  const name = raw.name ?? NATS_CONNECTION_DEFAULTS.name;
  if (typeof name !== 'string' || name === '') {
    problems.push(`name must be a non-empty string, got ${describeValue(name)}`);
  }
  const reconnectInitialMs = raw.reconnectInitialMs ?? NATS_CONNECTION_DEFAULTS.reconnectInitialMs;
  const reconnectMaxMs = raw.reconnectMaxMs ?? NATS_CONNECTION_DEFAULTS.reconnectMaxMs;
  const publishTimeoutMs = raw.publishTimeoutMs ?? NATS_CONNECTION_DEFAULTS.publishTimeoutMs;
  checkDuration(problems, 'reconnectInitialMs', reconnectInitialMs, { zero: false, max: 2_147_483_647 });
  checkDuration(problems, 'reconnectMaxMs', reconnectMaxMs, { zero: false, max: 2_147_483_647 });
  checkDuration(problems, 'publishTimeoutMs', publishTimeoutMs, { zero: false, max: 2_147_483_647 });
  checkLogger(problems, 'logger', raw.logger);
  if (problems.length > 0) {
    throw invalidOptions(NatsErrorCode.InvalidOptions, `NatsConnection ${redactedUrl}`, problems);
  }
  return {
    server,
    redactedUrl,
    user,
    pass,
    name: name as string,
    reconnectInitialMs: reconnectInitialMs as number,
    reconnectMaxMs: reconnectMaxMs as number,
    publishTimeoutMs: publishTimeoutMs as number,
    logger: raw.logger as Logger | undefined,
  };
}
