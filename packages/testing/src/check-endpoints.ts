import { KratosError } from '@kratos-ts/core';
import type { PortRange } from './ephemeral-ports.js';
import { TestingErrorCode } from './testing-error-codes.js';

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
  'ftp:': 21,
};

/** `true` for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback addresses. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // ::ffff:127.x.y.z, which URL writes as ::ffff:7fxx:yyzz.
  return /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(host);
}

/**
 * Checks what a test app advertises: every endpoint on a loopback host, and every port one the OS
 * may have chosen (inside `range`), unless `allowFixedPorts`. Endpoints without a host (a Unix
 * socket) or without a port (`fake://127.0.0.1/a`) pass what does not apply to them. Returns the
 * error to reject with, or `undefined`.
 */
export function checkEndpoints(
  appName: string,
  endpoints: readonly string[],
  range: PortRange,
  allowFixedPorts: boolean,
): KratosError | undefined {
  const remote: string[] = [];
  const fixed: string[] = [];
  for (const endpoint of endpoints) {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
    if (!url) continue; // the kernel only publishes URLs
    if (url.hostname !== '' && !isLoopbackHost(url.hostname)) {
      remote.push(`${endpoint} (host ${url.hostname} is not a loopback address)`);
      continue;
    }
    const port = url.port !== '' ? Number(url.port) : DEFAULT_PORTS[url.protocol];
    if (!allowFixedPorts && port !== undefined && (port < range.low || port > range.high)) {
      fixed.push(
        `${endpoint} (port ${port} is outside the OS's ephemeral range ${range.low}-${range.high}, ${range.source}: it was fixed, not chosen by the OS)`,
      );
    }
  }
  if (remote.length === 0 && fixed.length === 0) return undefined;
  const list = [...remote, ...fixed].map((line) => `\n  - ${line}`).join('');
  const fix =
    "Give each server host '127.0.0.1' and port 0 in tests, e.g. new HttpServer({ host: '127.0.0.1', port: 0, handler }), and leave KratosOptions.endpoints unset (the endpoints checked are those the app registers).";
  if (remote.length > 0) {
    return new KratosError(
      TestingErrorCode.NotLoopback,
      `Test app "${appName}" was stopped: in tests its servers must listen on a loopback address with an OS-chosen port, but it advertised:${list}\n${fix}`,
    );
  }
  return new KratosError(
    TestingErrorCode.FixedPort,
    `Test app "${appName}" was stopped: in tests its servers must listen on port 0 (tests running in parallel then never collide), but it advertised:${list}\n${fix} A test that needs a fixed port says so: startTestApp(container, { allowFixedPorts: true }).`,
  );
}
