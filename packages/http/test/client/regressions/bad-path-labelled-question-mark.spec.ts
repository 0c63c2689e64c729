import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { createHttpClient, HttpClientErrorCode, type HttpRequestOptions } from '../../../src/client.js';

// Issue 14 item 11: a request whose path is not a valid path was named `Request GET ?` in its
// error's first line: the culprit was only in the list below it. The first line names the bad
// path (redacted, without its query string, as request labels are), or says what it was instead.

async function firstLine(options: HttpRequestOptions): Promise<string> {
  const client = createHttpClient({ target: 'http://127.0.0.1:1' });
  try {
    await client.request(options);
  } catch (error) {
    if (!isKratosError(error)) throw error;
    expect(error.code).toBe(HttpClientErrorCode.InvalidOptions);
    return error.message.split('\n')[0] ?? '';
  } finally {
    await client.close();
  }
  throw new Error('the request was accepted');
}

describe('regression: a bad path is labelled "?"', () => {
  it('names a path without its leading slash', async () => {
    const line = await firstLine({ path: 'hello' });
    expect(line).not.toContain('GET ?');
    expect(line).toContain('Request GET "hello" to');
  });

  it('names a path with a space, without its query string, secrets redacted', async () => {
    const line = await firstLine({ path: 'http://user:hunter2@host/a b?token=hunter2' });
    expect(line).not.toContain('?');
    expect(line).not.toContain('hunter2');
    expect(line).toContain('Request GET "http://***@host/a b" to');
  });

  it('says what the path was when it is not a string', async () => {
    expect(await firstLine({ path: 42 as unknown as string })).toContain('Request GET (path 42) to');
    expect(await firstLine({} as HttpRequestOptions)).toContain('Request GET (no path) to');
  });

  it('names a bad method too', async () => {
    const line = await firstLine({ method: 'GE T', path: '/hello' });
    expect(line).toContain('Request "GE T" /hello to');
  });
});
