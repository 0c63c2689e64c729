import type { Histogram, UpDownCounter } from '@opentelemetry/api';
import { lazyInstruments } from '@kratos-ts/core/internal';
import { GRPC_TELEMETRY_SCOPE } from './grpc-telemetry-scope.js';

/** The metrics a `GrpcServer` records, after OpenTelemetry's RPC conventions. */
export interface GrpcServerInstruments {
  /**
   * `rpc.server.duration` (ms): `rpc.system` (`grpc`), `rpc.service`, `rpc.method`,
   * `rpc.grpc.status_code`, `kratos.server`.
   */
  readonly duration: Histogram;
  /** `rpc.server.active_requests`: calls in flight per server; the same attributes but the status. */
  readonly active: UpDownCounter;
}

/**
 * The server's instruments on the current meter provider, made again when it changed;
 * `undefined` while no SDK is registered.
 */
export const grpcServerInstruments = lazyInstruments(
  GRPC_TELEMETRY_SCOPE,
  (meter): GrpcServerInstruments => ({
    duration: meter.createHistogram('rpc.server.duration', {
      description: 'Duration of gRPC calls served, from the request metadata to the status.',
      unit: 'ms',
    }),
    active: meter.createUpDownCounter('rpc.server.active_requests', {
      description: 'gRPC calls in flight on a server.',
      unit: '{request}',
    }),
  }),
);
