import { experimental, type ServiceConfig } from '@grpc/grpc-js';

/** One call grpc-js's listener would have received, made readable. */
export interface Report {
  /** The addresses (`host:port`, IPv6 in brackets), when the resolution succeeded. */
  readonly addresses?: string[];
  /** The status, when it failed. */
  readonly error?: { readonly code: number; readonly details: string };
  /** The service config: `null` when the resolver let the channel's apply. */
  readonly serviceConfig: ServiceConfig | null;
  readonly note: string;
}

/** A resolver listener that records every call and accepts every result. */
export function fakeListener(): {
  readonly listener: experimental.ResolverListener;
  readonly reports: Report[];
} {
  const reports: Report[] = [];
  const listener: experimental.ResolverListener = (endpoints, _attributes, serviceConfig, note) => {
    if (serviceConfig && !serviceConfig.ok)
      throw new Error('the resolver reported an invalid service config');
    reports.push({
      ...(endpoints.ok
        ? {
            addresses: endpoints.value.flatMap((endpoint) =>
              endpoint.addresses.map(experimental.subchannelAddressToString),
            ),
          }
        : { error: { code: endpoints.error.code, details: endpoints.error.details } }),
      serviceConfig: serviceConfig ? serviceConfig.value : null,
      note,
    });
    return true;
  };
  return { listener, reports };
}
