/**
 * `host` ready to stand before `:port` in a URL or an address: an IPv6 literal gets brackets
 * (`::1` → `[::1]`); anything else, and a host already in brackets, is returned as it is.
 */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * `host:port` as URLs, sockets' messages and grpc-js want it, with an IPv6 literal in brackets.
 *
 * @example
 * hostPort('10.0.0.5', 9000); // '10.0.0.5:9000'
 * hostPort('::1', 9000);      // '[::1]:9000'
 */
export function hostPort(host: string, port: number): string {
  return `${bracketHost(host)}:${port}`;
}
