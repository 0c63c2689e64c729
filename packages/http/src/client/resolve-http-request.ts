import { redact } from '@kratos-ts/core';
import { describeValue, invalidOptions } from '@kratos-ts/core/internal';
import { HttpClientErrorCode } from './http-client-error-codes.js';
import type { HttpRequestOptions } from './http-client.js';

/** `HttpRequestOptions` checked and ready to dispatch. */
export interface ResolvedHttpRequest {
  /** Upper-case for the six common methods (as `fetch` normalises them), else as given. */
  readonly method: string;
  readonly path: string;
  /** `METHOD /path`, without the query string (which may carry secrets), for messages and logs. */
  readonly label: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | undefined;
  readonly signal: AbortSignal | undefined;
}

const KNOWN_OPTIONS = new Set(['method', 'path', 'headers', 'body', 'signal']);
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH']);
/** An RFC 9110 token: methods and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Printable ASCII but space and '#': a request target that needs no further encoding. */
const PATH = /^\/[!"$-~]*$/;
/** Header values: no CR, LF or NUL, which would split or end the header section. */
const HEADER_VALUE = /^[^\r\n\0]*$/;

/**
 * Checks one request's options. Every problem is reported at once, in one
 * `KRATOS_HTTP_CLIENT_INVALID_OPTIONS` error naming the service and the request.
 */
export function resolveHttpRequest(options: HttpRequestOptions, service: string): ResolvedHttpRequest {
  const isObject = typeof options === 'object' && options !== null;
  const raw = (isObject ? options : {}) as Record<string, unknown>;
  const problems: string[] = [];

  if (!isObject) {
    problems.push(
      `request options must be an object such as { method: 'GET', path: '/hello' }, got ${describeValue(options)}`,
    );
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_OPTIONS.has(key))
      problems.push(`unknown request option "${key}": remove it or check its spelling`);
  }
  const rawMethod = raw.method ?? 'GET';
  let method = 'GET';
  if (typeof rawMethod !== 'string' || !TOKEN.test(rawMethod)) {
    problems.push(`method must be an HTTP method such as 'GET' or 'POST', got ${describeValue(rawMethod)}`);
  } else {
    method = NORMALISED_METHODS.has(rawMethod.toUpperCase()) ? rawMethod.toUpperCase() : rawMethod;
    if (method.toUpperCase() === 'CONNECT') {
      problems.push('method CONNECT is not supported (it opens a tunnel): use a plain HTTP method');
    }
  }
  const path = raw.path;
  if (typeof path !== 'string' || !PATH.test(path)) {
    problems.push(
      `path must start with '/' and hold only printable ASCII without spaces or '#' ` +
        `(percent-encode the rest, e.g. with encodeURIComponent), got ${describeValue(typeof path === 'string' ? redact(path) : path)}`,
    );
  }
  const headers = resolveHeaders(raw.headers, problems);
  const body = raw.body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    problems.push(`body must be a string or a Uint8Array (Buffer), got ${describeValue(body)}`);
  }
  const signal = raw.signal;
  if (signal !== undefined && !isAbortSignal(signal)) {
    problems.push(`signal must be an AbortSignal, got ${describeValue(signal)}`);
  }

  if (problems.length > 0) {
    // The request as given, a bad part quoted (each problem below says what is wrong with it).
    const label = `${methodLabel(rawMethod, method)} ${pathLabel(path)}`;
    throw invalidOptions(HttpClientErrorCode.InvalidOptions, `Request ${label} to "${service}"`, problems);
  }
  return {
    method,
    path: path as string,
    label: `${method} ${(path as string).split('?')[0] ?? ''}`,
    headers,
    body:
      body === undefined
        ? undefined
        : typeof body === 'string'
          ? Buffer.from(body)
          : toBuffer(body as Uint8Array),
    signal: signal as AbortSignal | undefined,
  };
}

// A valid method as it is sent, a bad one quoted.
function methodLabel(raw: unknown, method: string): string {
  if (typeof raw === 'string' && TOKEN.test(raw)) return method;
  return typeof raw === 'string' ? describeValue(raw) : `(method ${describeValue(raw)})`;
}

// A valid path without its query string (which may carry secrets); a bad one quoted, redacted and
// without its query string too; what it was instead of a string.
function pathLabel(path: unknown): string {
  if (path === undefined) return '(no path)';
  if (typeof path !== 'string') return `(path ${describeValue(path)})`;
  const beforeQuery = path.split('?')[0] ?? '';
  return PATH.test(path) ? beforeQuery : describeValue(redact(beforeQuery));
}

function resolveHeaders(headers: unknown, problems: string[]): Record<string, string | string[]> {
  const resolved: Record<string, string | string[]> = {};
  if (headers === undefined) return resolved;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    problems.push(`headers must be an object of name: value, got ${describeValue(headers)}`);
    return resolved;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!TOKEN.test(name)) problems.push(`header name ${describeValue(name)} is not a valid HTTP token`);
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (!values.every((v) => typeof v === 'string' && HEADER_VALUE.test(v))) {
      problems.push(`header "${name}" must be a string or an array of strings without CR, LF or NUL`);
      continue;
    }
    resolved[name] = Array.isArray(value) ? [...(value as string[])] : (value as string);
  }
  return resolved;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    value instanceof AbortSignal ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as AbortSignal).aborted === 'boolean' &&
      typeof (value as AbortSignal).addEventListener === 'function')
  );
}

// A Buffer view of the caller's bytes, without copying them.
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
