import type { NetworkInterfaceInfo } from 'node:os';
import { bracketHost } from './host-port.js';

/** What `os.networkInterfaces()` returns. */
export type NetworkInterfaces = Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>;

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The host part of the URL to register for a server bound to `address`, ready to put in a URL.
 * Transports (`HttpServer`, `GrpcServer`) build their `endpoint()` with it.
 * A wildcard address (`0.0.0.0`, `::`) is not reachable, so it becomes this host's first
 * non-internal IPv4 address, or `127.0.0.1` when there is none. An IPv6 address gets brackets.
 *
 * @example
 * endpointHost('0.0.0.0', os.networkInterfaces()); // '10.0.0.5'
 * endpointHost('::1', {});                          // '[::1]'
 */
export function endpointHost(address: string, interfaces: NetworkInterfaces): string {
  if (WILDCARDS.has(address)) return firstExternalIPv4(interfaces) ?? '127.0.0.1';
  return bracketHost(address);
}

function firstExternalIPv4(interfaces: NetworkInterfaces): string | undefined {
  for (const infos of Object.values(interfaces)) {
    const found = infos?.find((info) => !info.internal && info.family === 'IPv4');
    if (found) return found.address;
  }
  return undefined;
}
