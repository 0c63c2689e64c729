import { describeError } from '@kratos-ts/core/internal';

/**
 * What `KeptLease.putAgain` errors with when etcd no longer knows the lease (revoked or expired):
 * putting the key on it cannot succeed, only a new lease can hold the key again.
 */
export class LeaseGone extends Error {
  constructor(
    readonly leaseId: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super(
      `lease ${leaseId} no longer exists${'cause' in options ? ` (${describeError(options.cause)})` : ''}`,
      options,
    );
    this.name = 'LeaseGone';
  }
}
