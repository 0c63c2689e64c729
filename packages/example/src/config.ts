/** What the example reads from its environment, with embedded defaults so `npm start` just works. */
export interface ExampleConfig {
  /** HTTP port (`PORT`, default 8000; 0 = OS-chosen). */
  readonly port: number;
  /** gRPC port (`GRPC_PORT`, default 9000; 0 = OS-chosen; `off` disables gRPC). */
  readonly grpcPort: number | undefined;
  /** Address both servers bind (`HOST`, default 0.0.0.0). */
  readonly host: string;
  /** Wait between deregistration and server stop (`DRAIN_DELAY_MS`, default 0). */
  readonly drainDelay: number;
  /** etcd endpoints (`ETCD_ENDPOINTS`, comma-separated); the in-memory registry when unset. */
  readonly etcdEndpoints: readonly string[];
  /** Lease TTL in seconds of the etcd registration (`ETCD_TTL`, default the registry's 15). */
  readonly etcdTtl: number | undefined;
  /**
   * Serve gRPC reflection (the whole API, to any caller): `GRPC_REFLECTION=on|off`; unset, on
   * unless `NODE_ENV=production`. A development aid: leave it off where strangers can connect.
   */
  readonly grpcReflection: boolean;
  /**
   * Milliseconds each closing step (the etcd registry's close) may take once the app stopped
   * (`CLOSE_TIMEOUT_MS`, default 5000); past it, the process exits without waiting for the step.
   */
  readonly closeTimeout: number;
  /** RabbitMQ URL (`AMQP_URL`): set, the greeter consumes `greetings` there. Its password is never logged. */
  readonly amqpUrl: string | undefined;
  /** NATS URL (`NATS_URL`): set, the greeter consumes the JetStream stream `greetings` there. */
  readonly natsUrl: string | undefined;
  /**
   * How long the consumer's handler waits per message, in ms (`GREET_HANDLER_MS`, default 0):
   * `50`, or a range `5-100` drawn uniformly per message.
   */
  readonly greetHandlerMs: { readonly min: number; readonly max: number };
  /**
   * Export traces and metrics over OTLP (`@kratos-ts/telemetry`): on when `OTEL_EXPORTER_OTLP_ENDPOINT`
   * (or its `_TRACES_`/`_METRICS_` variant) is set; the other `OTEL_*` variables (protocol,
   * sampler…) are read by the OpenTelemetry SDK itself.
   */
  readonly otlpExport: boolean;
  /** Serve `GET /metrics` (Prometheus) on the HTTP port: `METRICS=1` (`0` or unset: off). */
  readonly metrics: boolean;
}

/** Reads `ExampleConfig` from `env`; a malformed value is an error that names the variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  return {
    port: port(env, 'PORT', 8000),
    grpcPort: env.GRPC_PORT === 'off' ? undefined : port(env, 'GRPC_PORT', 9000),
    host: env.HOST || '0.0.0.0',
    drainDelay: milliseconds(env, 'DRAIN_DELAY_MS', 0),
    etcdEndpoints: (env.ETCD_ENDPOINTS ?? '')
      .split(',')
      .map((endpoint) => endpoint.trim())
      .filter(Boolean),
    etcdTtl: env.ETCD_TTL ? integer(env, 'ETCD_TTL', 0) : undefined,
    grpcReflection: reflection(env),
    closeTimeout: milliseconds(env, 'CLOSE_TIMEOUT_MS', 5_000),
    amqpUrl: env.AMQP_URL || undefined,
    natsUrl: env.NATS_URL || undefined,
    greetHandlerMs: handlerRange(env),
    otlpExport: [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    ].some((name) => (env[name] ?? '').trim() !== ''),
    metrics: flag(env, 'METRICS'),
  };
}

// `50` or `5-100`: a fixed wait, or one drawn per message (the bench's "handlers of 5–100 ms").
function handlerRange(env: NodeJS.ProcessEnv): { min: number; max: number } {
  const raw = env.GREET_HANDLER_MS;
  if (raw === undefined || raw === '') return { min: 0, max: 0 };
  const range = /^(\d+)(?:-(\d+))?$/.exec(raw.trim());
  if (range === null) {
    throw new Error(`GREET_HANDLER_MS=${raw} must be whole milliseconds (50) or a range MIN-MAX (5-100)`);
  }
  const min = Number(range[1]);
  const max = range[2] === undefined ? min : Number(range[2]);
  if (min > max) throw new Error(`GREET_HANDLER_MS=${raw} must be MIN-MAX with MIN <= MAX, such as 5-100`);
  return { min, max };
}

// Reflection lists every service and message to whoever asks: a help in development, an open map
// of the API in production.
function reflection(env: NodeJS.ProcessEnv): boolean {
  const raw = env.GRPC_REFLECTION;
  if (raw === undefined || raw === '') return env.NODE_ENV !== 'production';
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`GRPC_REFLECTION=${raw} must be on or off (unset: on unless NODE_ENV=production)`);
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name}=${raw} must be 1 (on) or 0 (off)`);
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value > 65_535) throw new Error(`${name}=${env[name]} is not a port: use 0 to 65535`);
  return value;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return integer(env, name, fallback);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${raw} must be a whole number >= 0`);
  return value;
}
