import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

/** The W3C trace context a test sent with a request: its server span must be a child of it. */
export interface SentContext {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * `GET url` on a fresh connection (no keep-alive: a request during a drain must not ride a
 * connection opened before it) with a `traceparent` of a new trace; resolves with the status and
 * the context sent.
 */
export function tracedGet(url: string): Promise<SentContext & { readonly status: number }> {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent: false, headers: { traceparent: `00-${traceId}-${spanId}-01` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ traceId, spanId, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
