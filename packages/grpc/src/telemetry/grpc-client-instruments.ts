import type { Counter } from '@opentelemetry/api';
import { lazyInstruments } from '@kratos-ts/core/internal';
import { GRPC_TELEMETRY_SCOPE } from './grpc-telemetry-scope.js';

/** The metrics `tracingInterceptor()` records. */
export interface GrpcClientInstruments {
  /**
   * `kratos.client.retries`: attempts grpc-js made again under a retry policy (the discovery
   * resolver's `retry` option, or the channel's own); `kratos.client` (`grpc`), `server.address`.
   */
  readonly retries: Counter;
}

/**
 * The client's instruments on the current meter provider, made again when it changed;
 * `undefined` while no SDK is registered.
 */
export const grpcClientInstruments = lazyInstruments(
  GRPC_TELEMETRY_SCOPE,
  (meter): GrpcClientInstruments => ({
    retries: meter.createCounter('kratos.client.retries', {
      description: 'Requests a kratos-ts client sent again (a retry), by client and server.',
      unit: '{retry}',
    }),
  }),
);
