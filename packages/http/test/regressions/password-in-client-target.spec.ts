import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { createHttpClient, HttpClientErrorCode } from '../../src/client.js';

// Defect: an HTTP client target with credentials was refused, but the error message (and its
// cause, parseTarget's error) contained the password.
const SECRET = 'hunter2-client-target';

describe('an HTTP client target with credentials', () => {
  it('is refused without echoing the credentials, in the error or its cause', () => {
    for (const target of [`http://admin:${SECRET}@127.0.0.1:8000`, `https://${SECRET}@api.example.com`]) {
      let caught: unknown;
      try {
        createHttpClient({ target });
      } catch (error) {
        caught = error;
      }
      expect(isKratosError(caught) && caught.code).toBe(HttpClientErrorCode.InvalidOptions);
      const error = caught as Error & { errors: readonly Error[] };
      const texts = [error.message, String(error.cause), ...error.errors.map((each) => each.message)];
      expect(error.message).toContain('***@');
      expect(error.message).toContain('headers');
      for (const text of texts) expect(text).not.toContain(SECRET);
    }
  });
});
