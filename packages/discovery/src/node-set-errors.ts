import { KratosError } from '@kratos-ts/core';
import { DiscoveryErrorCode } from './discovery-error-codes.js';

/** What the last list from the registry held, so an empty node set can say why it is empty. */
export interface ListSummary {
  /** Instances the registry listed. */
  readonly instances: number;
  /** Nodes of the wanted schemes among them, before the filters. */
  readonly matching: number;
  /** Nodes left after the filters. */
  readonly nodes: number;
}

/** Why a node set has no node, and how to fix it, for messages. */
export function explainEmpty(
  service: string,
  schemes: readonly string[],
  last: ListSummary | undefined,
): { why: string; fix: string } {
  const wanted = schemes.join('/');
  if (last === undefined || last.instances === 0) {
    return {
      why:
        last === undefined
          ? `the registry has listed no instance of it yet`
          : `the registry lists no instance of it`,
      fix: `Start an instance of "${service}" registered under exactly that name in the registry this discovery reads, or check the service name of the target.`,
    };
  }
  if (last.matching === 0) {
    return {
      why: `the registry lists ${plural(last.instances, 'instance')} of it, but none has a ${wanted} endpoint (schemes wanted: ${schemes.join(', ')})`,
      fix: `Register the instances with a ${wanted} endpoint (e.g. ${schemes[0] ?? 'http'}://host:port), or use a client for the scheme they offer.`,
    };
  }
  return {
    why: `the registry lists ${plural(last.instances, 'instance')} of it with ${plural(last.matching, `${wanted} endpoint`)}, but the client's filters left none`,
    fix: `Relax the filters (e.g. the version wanted), or start an instance of "${service}" that passes them.`,
  };
}

/** The rejection of a call that finds the node set `empty`. */
export function noInstancesError(
  service: string,
  schemes: readonly string[],
  last: ListSummary | undefined,
  emptyGrace: number,
): KratosError {
  const { why, fix } = explainEmpty(service, schemes, last);
  return new KratosError(
    DiscoveryErrorCode.NoInstances,
    `No instance of service "${service}" to call: ${why} (for at least ${emptyGrace} ms). ${fix}`,
  );
}

/** The rejection of a call that gave up (its signal aborted) before the first non-empty list. */
export function gaveUpError(
  service: string,
  schemes: readonly string[],
  last: ListSummary | undefined,
  reason: unknown,
): KratosError {
  const { why, fix } = explainEmpty(service, schemes, last);
  return new KratosError(
    DiscoveryErrorCode.NoInstances,
    `No instance of service "${service}" was found before the call gave up: ${why}. ${fix} ` +
      `If the registry is merely slow to answer, give the call a longer timeout.`,
    { cause: reason },
  );
}

/** The rejection of `ready()` on a closed node set. */
export function closedError(service: string): KratosError {
  return new KratosError(
    DiscoveryErrorCode.Closed,
    `The node set of service "${service}" is closed: it no longer follows the registry. ` +
      `Make calls through a client that is still open (closing a client closes its node set).`,
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
