import { describe, expect, it } from '@jest/globals';
import { hasUserinfo, redact } from '../../src/index.js';

describe('redact', () => {
  it('removes the whole userinfo of every URL in a text, keeping scheme, host and port', () => {
    expect(redact('etcd at http://root:hunter2@10.0.0.7:2379, https://tok3n@[::1]:2379 did not answer')).toBe(
      'etcd at http://***@10.0.0.7:2379, https://***@[::1]:2379 did not answer',
    );
  });

  it('removes the value of query parameters named like credentials, in any case', () => {
    expect(
      redact('GET /a?name=Ada&token=abc&API_KEY=k1&X-Amz-Signature=s1&client_secret=c1&password=p#frag'),
    ).toBe('GET /a?name=Ada&token=***&API_KEY=***&X-Amz-Signature=***&client_secret=***&password=***#frag');
  });

  it('leaves texts without secrets as they are, e-mail addresses included', () => {
    for (const text of ['http://127.0.0.1:8000/a?name=Ada', 'mail ops@example.com', 'discovery:///greeter']) {
      expect(redact(text)).toBe(text);
    }
  });

  it('never throws, and never echoes a value that is not a string', () => {
    expect(redact({ password: 'x' } as unknown as string)).toBe('an object');
  });

  it('hasUserinfo tells a URL with credentials, every time (no regex state kept)', () => {
    for (let i = 0; i < 3; i += 1) {
      expect(hasUserinfo('http://u:p@h:1')).toBe(true);
      expect(hasUserinfo('http://h:1')).toBe(false);
    }
  });
});
