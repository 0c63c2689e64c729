import { describeError } from '@kratos-ts/core/internal';

const PORT = /\bEADDRINUSE\b/;
const PRIVILEGED = /\bEACCES\b/;
const ADDRESS = /\bEADDRNOTAVAIL\b|Name resolution failed|\bENOTFOUND\b|\bEAI_AGAIN\b/;
// grpc-js's summary when no address could be bound, whatever the socket said.
const NOTHING_BOUND = /No address added out of total/;

/**
 * What to do about a failure of `bindAsync`, or `undefined` when it is not a bind failure (then no
 * hint is better than a wrong one: a hint about ports once sent users with credentials of a second
 * grpc-js looking for a process holding their port).
 *
 * @example
 * bindFailureHint(new Error('No address added out of total 1 resolved errors: [listen EADDRINUSE: …]'));
 * // 'If the port is in use, stop the process that holds it or choose another port (…)'
 */
export function bindFailureHint(cause: unknown): string | undefined {
  const text = `${describeError(cause)} ${codeOf(cause)}`;
  const hints: string[] = [];
  if (PORT.test(text)) hints.push(PORT_HINT);
  if (PRIVILEGED.test(text)) hints.push(PRIVILEGED_HINT);
  if (ADDRESS.test(text)) hints.push(ADDRESS_HINT);
  if (hints.length === 0 && NOTHING_BOUND.test(text)) hints.push(PORT_HINT, ADDRESS_HINT);
  if (hints.length === 0) return undefined;
  const sentence = hints.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function codeOf(cause: unknown): string {
  try {
    const code = (cause as { code?: unknown } | null | undefined)?.code;
    return typeof code === 'string' ? code : '';
  } catch {
    return ''; // a throwing getter, a revoked Proxy: the message alone decides
  }
}

const PORT_HINT =
  'if the port is in use, stop the process that holds it or choose another port (GrpcServerOptions.port; 0 lets the OS choose)';
const PRIVILEGED_HINT =
  'ports below 1024 need privileges: choose a port from 1024 up (GrpcServerOptions.port) or give the process the right to bind them';
const ADDRESS_HINT =
  'if the address is not on this host, use "0.0.0.0" or one of its addresses (GrpcServerOptions.host)';
