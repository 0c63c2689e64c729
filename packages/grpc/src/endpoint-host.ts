import type { NetworkInterfaceInfo } from 'node:os';

const UNSPECIFIED = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * The host to advertise for a server bound to `host`: `host` itself, unless it is a wildcard
 * (`0.0.0.0`, `::`, empty), in which case this machine's first non-internal IPv4 address, or
 * `127.0.0.1` when it has none. Pure: pass `os.networkInterfaces()`.
 *
 * @example
 * endpointHost('0.0.0.0', os.networkInterfaces()); // '10.0.0.5'
 * endpointHost('127.0.0.1', {}); // '127.0.0.1'
 */
export function endpointHost(host: string, interfaces: NodeJS.Dict<readonly NetworkInterfaceInfo[]>): string {
  if (!UNSPECIFIED.has(host)) return host;
  for (const addresses of Object.values(interfaces)) {
    for (const info of addresses ?? []) {
      if (info.family === 'IPv4' && !info.internal) return info.address;
    }
  }
  return '127.0.0.1';
}

/** `host:port`, with an IPv6 literal in brackets (`[::1]:9000`), as URLs and grpc-js want it. */
export function hostPort(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`;
}
