/** `host:port`, with an IPv6 literal in brackets (`[::1]:9000`), as URLs and grpc-js want it. */
export function hostPort(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`;
}
