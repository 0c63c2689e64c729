import { experimental } from '@grpc/grpc-js';

/** Where a channel sends its calls, as `server.address` and `server.port` name it. */
export interface ChannelTarget {
  /** The host, IP or service name: `greeter` for `discovery:///greeter`, `10.0.0.5` for `dns:///10.0.0.5:9000`. */
  readonly address: string;
  /** The port, when the target names one. */
  readonly port?: number | undefined;
}

// grpc-js's own URI shape: `[scheme:][//authority/]path`.
const URI = /^(?:([A-Za-z0-9+.-]+):)?(?:\/\/([^/]*)\/)?(.+)$/;

/**
 * The address of a channel target (`discovery:///greeter`, `dns:///host:port`, `host:port`,
 * `ipv4:10.0.0.5:9000`) or of a peer (`127.0.0.1:9000`, `[::1]:9000`). Never throws: what cannot
 * be split is the address as it is.
 */
export function channelTarget(target: string): ChannelTarget {
  const parsed = URI.exec(target);
  let path = parsed?.[3] ?? target;
  // `localhost:9000` parses as scheme `localhost`; a path of digits is its port, not a path.
  if (parsed?.[1] !== undefined && parsed[2] === undefined && /^\d+$/.test(path)) path = target;
  // A resolver of a list (`ipv4:a:1,b:2`) names several: the first stands for them.
  const first = path.split(',')[0] ?? path;
  const split = experimental.splitHostPort(first);
  if (split === null) return { address: first };
  return split.port === undefined ? { address: split.host } : { address: split.host, port: split.port };
}
