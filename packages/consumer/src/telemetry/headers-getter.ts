import type { TextMapGetter } from '@opentelemetry/api';

type Headers = Readonly<Record<string, unknown>>;

/**
 * Reads `traceparent` / `tracestate` from a delivery's headers: the exact key, else the same key in
 * another case (a publisher of another stack may write `Traceparent`). Text, bytes (UTF-8) or the
 * first of a list; anything else is no value.
 */
export const HEADERS_GETTER: TextMapGetter<Headers> = {
  get(headers, key) {
    let value = headers[key];
    if (value === undefined) {
      const lower = key.toLowerCase();
      const other = Object.keys(headers).find((name) => name.toLowerCase() === lower);
      if (other !== undefined) value = headers[other];
    }
    if (Array.isArray(value)) value = (value as unknown[])[0];
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return undefined;
  },
  keys(headers) {
    return Object.keys(headers);
  },
};
