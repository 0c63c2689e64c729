import { experimental } from '@grpc/grpc-js';
import type { Node } from '@kratos-ts/discovery';

/**
 * The grpc-js endpoints of `nodes`: one per distinct `host:port`, in the nodes' order, each with
 * the one address a load-balancing policy connects to (IPv6 hosts without their brackets, as
 * sockets want them).
 *
 * @example
 * endpointsOf(nodesOf(instances, ['grpc']));
 * // [{ addresses: [{ host: '10.0.0.5', port: 9000 }] }, { addresses: [{ host: '::1', port: 9001 }] }]
 */
export function endpointsOf(nodes: readonly Node[]): experimental.Endpoint[] {
  const seen = new Set<string>();
  const endpoints: experimental.Endpoint[] = [];
  for (const node of nodes) {
    const hostPort = experimental.splitHostPort(node.address);
    // Node addresses always carry a port; the check keeps a malformed one from reaching a socket.
    if (hostPort?.port === undefined || seen.has(node.address)) continue;
    seen.add(node.address);
    endpoints.push({ addresses: [{ host: hostPort.host, port: hostPort.port }] });
  }
  return endpoints;
}
