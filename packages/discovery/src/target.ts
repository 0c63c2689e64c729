import { KratosError, redact } from '@kratos-ts/core';
import { defaultPortOf } from './default-ports.js';
import { DiscoveryErrorCode } from './discovery-error-codes.js';

/** `discovery:///name`: the instances of `name`, as a `ServiceDiscovery` lists them. */
export interface DiscoveryTarget {
  /** Tells a `DiscoveryTarget` from a `StaticTarget`. */
  readonly kind: 'discovery';
  /** The service name, exactly as registered (`AppInfo.name`). */
  readonly name: string;
}

/** One fixed address: `http://host[:port]`, `https://host[:port]` or `host:port`. */
export interface StaticTarget {
  /** Tells a `StaticTarget` from a `DiscoveryTarget`. */
  readonly kind: 'static';
  /** `http` or `https` when the target said so; `undefined` for a bare `host:port`. */
  readonly scheme: 'http' | 'https' | undefined;
  /** The host, IPv6 literals in brackets (`[::1]`). */
  readonly host: string;
  /** The port, from 1 to 65535: the scheme's default (80, 443) when the target names none. */
  readonly port: number;
  /** `host:port`, IPv6 literals in brackets. */
  readonly address: string;
}

/** What `parseTarget` makes of a target string. */
export type Target = DiscoveryTarget | StaticTarget;

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// The port is optional here; only a target with a scheme may leave it out (its default port).
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?$/;

/**
 * Parses a client target.
 *
 * @example
 * parseTarget('discovery:///greeter');   // { kind: 'discovery', name: 'greeter' }
 * parseTarget('http://127.0.0.1:8000');  // { kind: 'static', scheme: 'http', host: '127.0.0.1', port: 8000, address: '127.0.0.1:8000' }
 * parseTarget('localhost:9000');         // { kind: 'static', scheme: undefined, … }
 * parseTarget('https://api.example.com'); // { kind: 'static', scheme: 'https', port: 443, … } (the default port)
 * @throws KratosError `KRATOS_DISCOVERY_INVALID_TARGET` naming the input and the accepted forms.
 */
export function parseTarget(target: string): Target {
  if (typeof target !== 'string') throw invalidTarget(String(target), 'it is not a string');
  if (target.startsWith('discovery:')) {
    const match = /^discovery:\/\/\/(.*)$/.exec(target);
    const name = match?.[1] ?? '';
    if (!match) throw invalidTarget(target, 'a discovery target has three slashes and no authority');
    if (!SERVICE_NAME.test(name)) {
      throw invalidTarget(target, `"${name}" is not a service name (letters, digits, ".", "_", "-")`);
    }
    return { kind: 'discovery', name };
  }
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(target);
  const scheme = schemeMatch?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw invalidTarget(target, `the scheme "${scheme}" is not supported`);
  }
  const rest = (schemeMatch?.[2] ?? target).replace(/\/$/, '');
  const hostPort = HOST_PORT.exec(rest);
  // `http://host` is port 80 and `https://host` 443, as in any URL; a bare `host` names no port.
  const port =
    hostPort?.[2] === undefined && scheme !== undefined ? defaultPortOf(scheme) : Number(hostPort?.[2]);
  if (!hostPort?.[1] || port === undefined || !(port >= 1 && port <= 65_535)) {
    throw invalidTarget(target, 'it needs a host and a port from 1 to 65535, and no path');
  }
  return {
    kind: 'static',
    scheme: scheme === 'http' || scheme === 'https' ? scheme : undefined,
    host: hostPort[1],
    port,
    address: `${hostPort[1]}:${port}`,
  };
}

function invalidTarget(target: string, why: string): KratosError {
  return new KratosError(
    DiscoveryErrorCode.InvalidTarget,
    `Invalid target "${redact(target)}": ${why}. Use "discovery:///<service name>" (with a discovery), ` +
      `"http://host:port", "https://host:port" or "host:port".`,
  );
}
