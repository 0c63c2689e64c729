import type { ServiceInstance } from '@kratos-ts/core';

/**
 * The instance as Kratos' Go registry marshals `registry.ServiceInstance`: a JSON object with
 * `id, name, version, metadata, endpoints`, in that order.
 */
export function encodeInstance(instance: ServiceInstance): string {
  return JSON.stringify({
    id: instance.id,
    name: instance.name,
    version: instance.version,
    metadata: { ...instance.metadata },
    endpoints: [...instance.endpoints],
  });
}

/**
 * Reads an instance written by this registry or by Kratos' Go registry. Go writes a nil map or
 * slice as `null`: those become `{}` and `[]`. Returns `undefined` when the value is not an
 * instance (not JSON, no string `id`/`name`), so one bad key cannot hide the others.
 */
export function decodeInstance(value: string): ServiceInstance | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { id, name, version, metadata, endpoints } = parsed;
  if (typeof id !== 'string' || typeof name !== 'string') return undefined;
  return Object.freeze({
    id,
    name,
    version: typeof version === 'string' ? version : '',
    metadata: Object.freeze(stringRecord(metadata)),
    endpoints: Object.freeze(
      Array.isArray(endpoints) ? endpoints.filter((e): e is string => typeof e === 'string') : [],
    ),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') result[key] = entry;
  }
  return result;
}
