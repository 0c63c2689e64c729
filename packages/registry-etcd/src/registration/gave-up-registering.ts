import { KratosError } from '@kratos-ts/core';
import { describeError } from '@kratos-ts/core/internal';
import { registerFailure, type EtcdFailureContext } from '../etcd-failure.js';
import type { FailedAttempt } from './lease-keeper.js';

/**
 * The coded error of a registration that retried until its signal aborted (`registrarTimeout`):
 * the code and advice of its last failure (`KRATOS_ETCD_UNAVAILABLE` for an etcd that never
 * answered), prefixed by how long it tried, with that failure as `cause`.
 */
export function gaveUpRegistering(
  reason: unknown,
  { error, attempts }: FailedAttempt,
  context: EtcdFailureContext,
): KratosError {
  const last = registerFailure(error, context);
  return new KratosError(
    last.code,
    `Gave up registering when the registrar's signal aborted (${describeError(reason)}) after ${attempts} failed attempt(s); the last: ${last.message} If etcd takes longer to come back, raise KratosOptions.registrarTimeout.`,
    { cause: error },
  );
}
