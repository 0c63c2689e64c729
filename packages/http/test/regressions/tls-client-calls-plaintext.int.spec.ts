import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { InMemoryRegistry, isKratosError } from '@kratos-ts/core';
import { createHttpClient, HttpClientErrorCode, type HttpClient } from '../../src/client.js';
import { loopbackCertificate } from '../support/loopback-certificate.js';

// Defect: createHttpClient({ target, tls: { ca, cert, key } }) without secure: true called the
// instances' http:// endpoints in plaintext, and the client certificate was never sent.

const servers: Server[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('an HTTP client given tls options', () => {
  it('calls the https:// endpoints, with its client certificate, never the http:// ones', async () => {
    const { key, cert } = await loopbackCertificate();
    const seen: string[] = [];
    const plain = createHttpServer((req, res) => {
      seen.push('plaintext');
      res.end('plaintext');
    });
    // mTLS: the server asks for a client certificate signed by the (self-signed) CA.
    const secure = createHttpsServer(
      { key, cert, ca: cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push(peer.subject ? 'tls with a client certificate' : 'tls without a client certificate');
        res.end('tls');
      },
    );
    const plainPort = await listen(plain);
    const securePort = await listen(secure);
    const registry = new InMemoryRegistry();
    await registry.register({
      id: 'a',
      name: 'greeter',
      version: '1',
      metadata: {},
      endpoints: [`http://127.0.0.1:${plainPort}`, `https://127.0.0.1:${securePort}`],
    });
    const client = createHttpClient({
      target: 'discovery:///greeter',
      discovery: registry,
      tls: { ca: cert, cert, key },
      retry: false,
      timeout: 5_000,
    });
    clients.push(client);

    const response = await client.request({ method: 'GET', path: '/' });

    expect(response.node).toBe(`https://127.0.0.1:${securePort}`);
    expect(response.body.toString()).toBe('tls');
    expect(seen).toEqual(['tls with a client certificate']);
  });

  it('is refused when the target or secure says plaintext, naming the contradiction', () => {
    for (const options of [
      { target: 'http://127.0.0.1:8000', tls: { rejectUnauthorized: true } },
      { target: '127.0.0.1:8000', secure: false, tls: { ca: 'x' } },
    ]) {
      let caught: unknown;
      try {
        createHttpClient(options);
      } catch (error) {
        caught = error;
      }
      expect(isKratosError(caught) && caught.code).toBe(HttpClientErrorCode.InvalidOptions);
      expect((caught as Error).message).toContain('tls');
      expect((caught as Error).message).toContain('plaintext');
    }
  });
});
