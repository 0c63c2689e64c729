import { ServerCredentials } from '@grpc/grpc-js';

/**
 * Where `credentials` come from: `'ours'` (the copy of `@grpc/grpc-js` this package serves with),
 * `'another copy'` (ServerCredentials all the same, of a grpc-js installed twice), or
 * `'not credentials'`.
 */
export type ServerCredentialsOrigin = 'ours' | 'another copy' | 'not credentials';

/**
 * Tells the three apart: `instanceof` only knows our copy's class, so credentials of another copy
 * are recognized by their shape: `_isSecure()`, and a class named `ServerCredentials` among their
 * prototypes or `_equals()`, as every grpc-js version has them. Channel credentials (of any copy)
 * have that shape too, and are told apart by their class or their `compose()`.
 */
export function serverCredentialsOrigin(credentials: unknown): ServerCredentialsOrigin {
  if (credentials instanceof ServerCredentials) return 'ours';
  try {
    if (typeof credentials !== 'object' || credentials === null) return 'not credentials';
    const { _isSecure, _equals, compose } = credentials as Record<string, unknown>;
    if (typeof _isSecure !== 'function') return 'not credentials';
    const classes = classNames(credentials);
    if (classes.includes('ServerCredentials')) return 'another copy';
    if (classes.includes('ChannelCredentials') || typeof compose === 'function') return 'not credentials';
    return typeof _equals === 'function' ? 'another copy' : 'not credentials';
  } catch {
    return 'not credentials'; // a throwing getter, a revoked Proxy
  }
}

function classNames(value: object): string[] {
  const names: string[] = [];
  for (let proto: unknown = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}
