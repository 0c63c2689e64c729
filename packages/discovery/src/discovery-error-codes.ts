/**
 * Every code a `KratosError` of `@kratos-ts/discovery` (and of the clients built on it) can carry.
 * Stable: match on these, not on messages.
 */
export const DiscoveryErrorCode = {
  /** `parseTarget` was given something that is neither `discovery:///name` nor `[http(s)://]host:port`. */
  InvalidTarget: 'KRATOS_DISCOVERY_INVALID_TARGET',
  /**
   * The arguments of `watchNodes` or `staticNodes` are invalid: the message lists every problem (as
   * `errors` does), under "The node set of "<service>" has invalid options:". Also a selector's
   * `pick()` called with no node, a bug of its caller, told in one sentence.
   */
  InvalidOptions: 'KRATOS_DISCOVERY_INVALID_OPTIONS',
  /**
   * The service has no instance to call: the registry's list stayed empty for `emptyGrace`, or no
   * non-empty list arrived before the caller gave up. The message names the service.
   */
  NoInstances: 'KRATOS_NO_INSTANCES',
  /** The node set was closed; nothing more can be asked of it. */
  Closed: 'KRATOS_DISCOVERY_CLOSED',
} as const;

/** One of the `DiscoveryErrorCode` values. */
export type DiscoveryErrorCode = (typeof DiscoveryErrorCode)[keyof typeof DiscoveryErrorCode];
