import type { Metadata } from '@grpc/grpc-js';
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** Reads `traceparent` / `tracestate` from a call's metadata (its first value, as text). */
export const METADATA_GETTER: TextMapGetter<Metadata> = {
  get(metadata, key) {
    const [value] = metadata.get(key);
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : value.toString('utf8');
  },
  keys(metadata) {
    return Object.keys(metadata.getMap());
  },
};

/** Writes `traceparent` / `tracestate` into a call's metadata, replacing what was there. */
export const METADATA_SETTER: TextMapSetter<Metadata> = {
  set(metadata, key, value) {
    metadata.set(key, value);
  },
};
