import { beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'selfsigned';
import { isKratosError } from '@kratos-ts/core';
import { HttpErrorCode, HttpServer } from '../../src/index.js';
import { loopbackCertificate, type LoopbackCertificate } from '../support/loopback-certificate.js';

// Defect: an HttpServer given a bad TLS key or certificate rejected start() with a raw OpenSSL
// error (no code, no server name, not saying which of key/cert was wrong), and a CA that is no
// certificate was accepted without a word (every client certificate is refused then).

let own: LoopbackCertificate;
let other: LoopbackCertificate;

beforeAll(async () => {
  own = await loopbackCertificate();
  const pems = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', curve: 'P-256' });
  other = { key: pems.private, cert: pems.cert };
});

async function startError(tls: Record<string, unknown>): Promise<Error & { code?: string }> {
  const server = new HttpServer({
    name: 'api',
    host: '127.0.0.1',
    port: 0,
    handler: (_req, res) => res.end(),
    tls,
  });
  try {
    await server.start(new AbortController().signal);
  } catch (error) {
    return error as Error & { code?: string };
  }
  await server.stop(AbortSignal.timeout(1_000));
  throw new Error('start() resolved');
}

describe('an HttpServer with bad TLS material', () => {
  it.each([
    ['key', () => ({ key: 'not a key', cert: own.cert }), 'tls.key is not a private key'],
    ['cert', () => ({ key: own.key, cert: 'not a certificate' }), 'tls.cert is not a certificate'],
    [
      'ca',
      () => ({ key: own.key, cert: own.cert, ca: 'not a certificate', requestCert: true }),
      'tls.ca holds something that is not a certificate',
    ],
    ['key and cert', () => ({ key: other.key, cert: own.cert }), 'tls.key and cert do not belong together'],
  ])(
    'rejects start() with KRATOS_HTTP_TLS_INVALID naming the server and the bad %s',
    async (_part, tls, says) => {
      const error = await startError(tls());
      expect(isKratosError(error)).toBe(true);
      expect(error.code).toBe(HttpErrorCode.TlsInvalid);
      expect(error.message).toContain('HTTP server "api"');
      expect(error.message).toContain(says);
      // No key material is echoed.
      for (const pem of [own.key, other.key]) expect(error.message).not.toContain(pem.split('\n')[1]);
    },
  );
});
