import { beforeAll, describe, expect, it } from '@jest/globals';
import { ServerCredentials } from '@grpc/grpc-js';
import { generate } from 'selfsigned';
import { isKratosError } from '@kratos-ts/core';
import { GrpcErrorCode, GrpcServer } from '../../src/index.js';

// Defect: a GrpcServer whose ServerCredentials hold a bad key or certificate failed start() with
// KRATOS_GRPC_BIND_FAILED and a hint about ports; a root certificate that is no certificate was
// accepted without a word (every client certificate is refused then).

interface Pem {
  readonly key: string;
  readonly cert: string;
}
let own: Pem;
let other: Pem;

async function certificate(): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
  });
  return { key: pems.private, cert: pems.cert };
}

beforeAll(async () => {
  own = await certificate();
  other = await certificate();
});

async function startError(credentials: ServerCredentials): Promise<Error & { code?: string }> {
  const server = new GrpcServer({ name: 'greeter-grpc', host: '127.0.0.1', port: 0, credentials });
  try {
    await server.start(new AbortController().signal);
  } catch (error) {
    return error as Error & { code?: string };
  }
  await server.stop(AbortSignal.timeout(1_000));
  throw new Error('start() resolved');
}

const ssl = (ca: string | null, key: string, cert: string, checkClient = false): ServerCredentials =>
  ServerCredentials.createSsl(
    ca === null ? null : Buffer.from(ca),
    [{ private_key: Buffer.from(key), cert_chain: Buffer.from(cert) }],
    checkClient,
  );

describe('a GrpcServer with bad TLS material', () => {
  it.each([
    ['private key', () => ssl(null, 'not a key', own.cert), 'private_key is not a private key'],
    ['certificate', () => ssl(null, own.key, 'not a certificate'), 'cert_chain is not a certificate'],
    [
      'root certificate',
      () => ssl('not a certificate', own.key, own.cert, true),
      'rootCerts holds something that is not a certificate',
    ],
    ['key pair', () => ssl(null, other.key, own.cert), 'private_key and cert_chain do not belong together'],
  ])(
    'rejects start() with KRATOS_GRPC_TLS_INVALID naming the server and the bad %s',
    async (_part, credentials, says) => {
      const error = await startError(credentials());
      expect(isKratosError(error)).toBe(true);
      expect(error.code).toBe(GrpcErrorCode.TlsInvalid);
      expect(error.message).toContain('gRPC server "greeter-grpc"');
      expect(error.message).toContain(says);
      expect(error.message).not.toMatch(/\bports?\b/i);
      for (const pem of [own.key, other.key]) expect(error.message).not.toContain(pem.split('\n')[1]);
    },
  );
});
