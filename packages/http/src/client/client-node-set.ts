import { nodesOf, staticNodes, watchNodes, type NodeSet } from '@kratos-ts/discovery';
import type { ResolvedHttpClientOptions } from './resolve-http-client-options.js';

/**
 * The nodes an HTTP client calls: for a discovery target, the instances' endpoints of its scheme
 * as the discovery lists them, narrowed by its filters (an empty list for `emptyGrace` fails
 * requests fast); for a fixed target, its one address.
 */
export function clientNodeSet(options: ResolvedHttpClientOptions): NodeSet {
  const { target, scheme, service } = options;
  if (target.kind === 'discovery' && options.discovery) {
    return watchNodes(options.discovery, target.name, {
      schemes: [scheme],
      filters: options.filters,
      emptyGrace: options.emptyGrace,
      logger: options.logger,
      scheduler: options.scheduler,
    });
  }
  const endpoint = `${scheme}://${service}`;
  const instance = { id: endpoint, name: service, version: '', metadata: {}, endpoints: [endpoint] };
  return staticNodes(service, nodesOf([instance], [scheme]));
}
