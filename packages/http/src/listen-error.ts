import { KratosError } from '@kratos-ts/core';
import { HttpErrorCode } from './http-error-codes.js';

/**
 * The coded error `start()` rejects with when the server cannot listen on `host:port`. It names
 * the server and the address, says how to fix it, and keeps the system error as `cause`.
 */
export function listenError(name: string, host: string, port: number, error: unknown): KratosError {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const server = `HTTP server "${name}" cannot listen on ${where}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new KratosError(
      HttpErrorCode.AddressInUse,
      `${server}: the address is already in use (EADDRINUSE). Stop the process that holds port ${port} (\`lsof -i :${port}\` shows it), or choose another port in new HttpServer({ port }); port 0 lets the OS choose.`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new KratosError(
      HttpErrorCode.PermissionDenied,
      `${server}: permission denied (EACCES). Ports below 1024 need privileges: listen on a port from 1024 up and map it in the Service or load balancer, or grant the process CAP_NET_BIND_SERVICE.`,
      { cause: error },
    );
  }
  return new KratosError(
    HttpErrorCode.ListenFailed,
    `${server}: ${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ''}. Check that host is an address of this machine (or '0.0.0.0') and that the port is free.`,
    { cause: error },
  );
}
