import { experimental } from '@grpc/grpc-js';

// The service names `parseTarget` of @kratos-ts/discovery accepts, so both clients agree on targets.
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What a channel target of the discovery resolver names: a service, or why it names none. */
export type DiscoveryUri =
  { readonly ok: true; readonly service: string } | { readonly ok: false; readonly problem: string };

/**
 * Reads the service name of a target as grpc-js parsed it: only `<scheme>:///<service name>` (three
 * slashes, no authority) names one. Pure; never throws, so that grpc-js reports the problem to every
 * call of the channel rather than `new Client()` throwing.
 *
 * @example
 * parseDiscoveryUri({ scheme: 'discovery', authority: '', path: 'greeter' }); // { ok: true, service: 'greeter' }
 * parseDiscoveryUri({ scheme: 'discovery', authority: 'ns', path: 'greeter' });
 * // { ok: false, problem: 'Invalid target "discovery://ns/greeter": … Use "discovery:///<service name>"…' }
 */
export function parseDiscoveryUri(target: experimental.GrpcUri): DiscoveryUri {
  const why = problemOf(target);
  if (why === undefined) return { ok: true, service: target.path };
  return {
    ok: false,
    problem:
      `Invalid target "${experimental.uriToString(target)}": ${why}. ` +
      `Use "${target.scheme ?? 'discovery'}:///<service name>", the name the service registers under.`,
  };
}

function problemOf({ authority, path }: experimental.GrpcUri): string | undefined {
  // grpc-js parses "discovery:///" as a path of slashes with no authority.
  if (/^\/*$/.test(path)) return 'it names no service';
  if (authority === undefined) return 'it needs three slashes before the service name';
  if (authority !== '') return `it has an authority ("${authority}"), which the registry has no use for`;
  if (!SERVICE_NAME.test(path)) {
    return `"${path}" is not a service name (letters, digits, ".", "_", "-", starting with a letter or digit)`;
  }
  return undefined;
}
