import { describe, expect, it } from '@jest/globals';
import { isKratosError, KratosError } from '@kratos-ts/core';
import type { Node } from '@kratos-ts/discovery';
import { createHttpClient, type HttpClientOptions, type HttpRequestOptions } from '../../../src/client.js';
import {
  bodyBrokeError,
  clientClosedError,
  requestClosedError,
  requestFailedError,
  requestRefusedError,
  requestStopError,
  responseTooLargeError,
  type HttpClientErrorContext,
} from '../../../src/client/http-client-errors.js';
import type { RequestRun } from '../../../src/client/request-run.js';
import { RequestStop, Stop } from '../../../src/client/request-stop.js';
import { resolveHttpRequest } from '../../../src/client/resolve-http-request.js';

// Issue 14 item 11: a message quoting an error whose own message ends with '.' (a KratosError
// always does, undici's often do) appended its own period: `…reachable.. Every allowed attempt…`.
// This sweeps every failure message of the HTTP client for `..`.

/** Every failure message of the client, each built around causes that end with a period. */
function clientMessages(): string[] {
  const context: HttpClientErrorContext = {
    service: 'greeter',
    options: { timeout: 5000, scheme: 'http', maxRetries: 2, maxResponseBytes: 1024 },
  };
  const causes: unknown[] = [
    new Error('other side closed.'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1.'), { code: 'ECONNREFUSED' }),
    new KratosError('KRATOS_X', 'Something failed. Check the thing.'),
    'a thrown string.',
  ];
  const node: Node = {
    endpoint: 'http://127.0.0.1:1',
    address: '127.0.0.1:1',
    scheme: 'http',
    weight: 100,
    instance: { id: 'a', name: 'greeter', version: '', metadata: {}, endpoints: ['http://127.0.0.1:1'] },
  };
  const messages: string[] = [clientClosedError('greeter').message];
  for (const method of ['GET', 'POST']) {
    for (const attempts of [0, 1, 3]) {
      for (const cause of causes) {
        const run: RequestRun = {
          request: resolveHttpRequest({ method, path: '/hello' }, 'greeter'),
          stop: new RequestStop(),
          streaming: false,
          tried: new Set(attempts > 0 ? ['http://127.0.0.1:1'] : []),
          errors: attempts > 0 ? [cause] : [],
          attempts,
          unavailable: undefined,
        };
        messages.push(
          requestClosedError('greeter', run).message,
          requestStopError(context, run, new Stop('aborted', cause)).message,
          requestStopError(context, run, new Stop('timeout')).message,
          requestStopError(context, run, new Stop('timeout'), cause).message,
          requestStopError(context, run, cause).message,
          requestRefusedError('greeter', run, cause).message,
          bodyBrokeError('greeter', run, node, cause).message,
          responseTooLargeError(context, run, node, {
            kind: 'too-large',
            statusCode: 200,
            received: 2048,
            declared: attempts > 1,
          }).message,
        );
        for (const written of [false, true]) {
          for (const maxRetries of [0, 2]) {
            const withRetries = { ...context, options: { ...context.options, maxRetries } };
            messages.push(
              requestFailedError(withRetries, run, { kind: 'failure', error: cause, written }).message,
            );
          }
        }
      }
    }
  }
  return messages;
}

async function rejectionMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isKratosError(error)) return error.message;
    throw error;
  }
  throw new Error('it did not fail');
}

describe('regression: ".." in the HTTP client messages', () => {
  it('no error builder ends a sentence twice', () => {
    const messages = clientMessages();
    expect(messages.length).toBeGreaterThan(100);
    for (const message of messages) expect(message).not.toContain('..');
  });

  it('no option or request validation message does either', async () => {
    const badOptions: unknown[] = [
      undefined,
      { target: 'discovery:///greeter' },
      { target: 'http://user:pw@host:1.', timeout: -1, retry: { max: 'x' }, colour: 'red.' },
      { target: '', maxResponseBytes: 0, logger: {}, filters: [1], selector: {} },
    ];
    const messages: string[] = [];
    for (const options of badOptions) {
      messages.push(
        await rejectionMessage(Promise.resolve().then(() => createHttpClient(options as HttpClientOptions))),
      );
    }
    const client = createHttpClient({ target: 'http://127.0.0.1:1' });
    const badRequests: unknown[] = [
      null,
      { path: 'x.' },
      { method: 'GET.', path: '/a b.', headers: { 'a b.': 'x\n' }, body: 1, signal: {}, extra: '.' },
    ];
    for (const request of badRequests) {
      messages.push(await rejectionMessage(client.request(request as HttpRequestOptions)));
    }
    await client.close();
    messages.push(await rejectionMessage(client.request({ path: '/' })));
    for (const message of messages) expect(message).not.toContain('..');
  });
});
