/** A gRPC method as OpenTelemetry names it, from its path `/package.Service/Method`. */
export interface RpcMethod {
  /** The span name: `package.Service/Method` (the path without its leading slash). */
  readonly name: string;
  /** `rpc.service`: `package.Service`. */
  readonly service: string;
  /** `rpc.method`: `Method`. */
  readonly method: string;
}

// A server or a client calls a handful of methods: each path is split once.
const known = new Map<string, RpcMethod>();
const MAX_KNOWN = 1_000;

/** Splits `/package.Service/Method`; a path of another shape is its own service and method. */
export function rpcMethod(path: string): RpcMethod {
  const cached = known.get(path);
  if (cached !== undefined) return cached;
  const name = path.startsWith('/') ? path.slice(1) : path;
  const slash = name.lastIndexOf('/');
  const parsed: RpcMethod =
    slash > 0
      ? { name, service: name.slice(0, slash), method: name.slice(slash + 1) }
      : { name, service: name, method: name };
  // Paths come from the service definitions; the bound only guards against a client making up paths.
  if (known.size < MAX_KNOWN) known.set(path, parsed);
  return parsed;
}
