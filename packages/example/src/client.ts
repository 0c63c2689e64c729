import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { KratosTelemetry } from '@kratos-ts/telemetry';
import { closeWithin } from './close-within.js';
import { createGreeterClients, type GreeterTargets } from './greeter-clients.js';

// `npm run client`: calls the greeter over HTTP and gRPC and prints which instance answered.
// With ETCD_ENDPOINTS, through the registry (discovery:///greeter); else the addresses `npm start`
// listens on (HTTP_TARGET, default http://127.0.0.1:8000; GRPC_TARGET, default 127.0.0.1:9000).
// CALLS (default 6) calls per client, NAME (default Ada) is who is greeted. CLOSE_TIMEOUT_MS
// (default 5000) bounds each closing step (the clients, the registry). OTEL_EXPORTER_OTLP_ENDPOINT:
// each call's CLIENT span is exported (service greeter-client), its trace continued by the greeter.
const env = process.env;
const logger = pino({ name: 'greeter-client', level: env.LOG_LEVEL ?? 'warn' });
const calls = Number(env.CALLS ?? 6);
if (!Number.isInteger(calls) || calls < 1) throw new Error(`CALLS=${env.CALLS} must be a whole number >= 1`);
const name = env.NAME ?? 'Ada';
const closeTimeout = Number(env.CLOSE_TIMEOUT_MS ?? 5_000);
if (!Number.isInteger(closeTimeout) || closeTimeout < 0)
  throw new Error(`CLOSE_TIMEOUT_MS=${env.CLOSE_TIMEOUT_MS} must be a whole number >= 0`);
const etcdEndpoints = (env.ETCD_ENDPOINTS ?? '')
  .split(',')
  .map((endpoint) => endpoint.trim())
  .filter(Boolean);

// Loaded only when asked for, as the service does: a client without it loads no SDK.
const telemetry =
  (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() === '' ? undefined : await startClientTelemetry();

let flushTimedOut = false;
let registry: { close(): Promise<void> } | undefined;
let targets: GreeterTargets;
if (etcdEndpoints.length > 0) {
  const { EtcdRegistry } = await import('@kratos-ts/registry-etcd');
  const etcd = new EtcdRegistry({ hosts: etcdEndpoints, logger });
  registry = etcd;
  targets = { discovery: etcd };
} else {
  targets = { http: env.HTTP_TARGET ?? 'http://127.0.0.1:8000', grpc: env.GRPC_TARGET ?? '127.0.0.1:9000' };
}

const clients = createGreeterClients(targets, logger);
let failed = 0;
try {
  for (let i = 1; i <= calls; i += 1) {
    for (const transport of ['http', 'grpc'] as const) {
      try {
        const answer = await clients[transport](name);
        const via = answer.node ? ` via ${answer.node}` : '';
        console.log(
          `${transport.padEnd(4)} #${i}: "${answer.message}" from instance ${answer.instanceId}${via}`,
        );
      } catch (error) {
        failed += 1;
        console.log(
          `${transport.padEnd(4)} #${i}: failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
} finally {
  process.exitCode = failed === 0 ? 0 : 1;
  // Bounded, as the service's: a registry whose etcd is frozen must not keep the client alive.
  const report = await closeWithin(
    [
      { name: 'clients', close: () => clients.close() },
      ...(registry ? [{ name: 'registry', close: () => registry.close() }] : []),
      // Its own bound inside (2000 ms): a collector that is down delays the exit by at most that.
      ...(telemetry
        ? [
            {
              name: 'telemetry',
              close: async () => void (flushTimedOut = (await telemetry.shutdown()).status === 'timeout'),
            },
          ]
        : []),
    ],
    { timeoutMs: closeTimeout, timeoutName: 'CLOSE_TIMEOUT_MS', logger },
  );
  // Past the flush's bound, an exporter retrying a collector that is down holds a timer.
  if (report.hung.length > 0 || flushTimedOut) process.exit(process.exitCode);
}

async function startClientTelemetry(): Promise<KratosTelemetry> {
  const { KratosTelemetry } = await import('@kratos-ts/telemetry');
  const app = { id: randomUUID(), name: 'greeter-client', version: '1.0.0', metadata: {}, endpoints: [] };
  return new KratosTelemetry({ prometheus: false, logger }).start({ app });
}
