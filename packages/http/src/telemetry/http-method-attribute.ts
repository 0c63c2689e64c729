const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
  'QUERY',
]);

/**
 * The `http.request.method` attribute: the method when it is one HTTP defines, else `_OTHER`, as
 * OpenTelemetry's conventions ask, so that a client sending made-up methods cannot grow a metric's
 * series without bound.
 */
export function httpMethodAttribute(method: string | undefined): string {
  if (method === undefined) return 'GET';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
