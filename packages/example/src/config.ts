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
  };
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
