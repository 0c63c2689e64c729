import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { InMemoryRegistry } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { createHttpClient, type HttpClient } from '../../src/client.js';
import { freePort } from '../../../bench/src/fleet/etcd-process.js';
import { loopbackCertificate } from '../support/loopback-certificate.js';

// Secrets planted in every input of the HTTP client (a target's userinfo, an instance endpoint's
// userinfo, headers, the query, a TLS client key), then every message, cause, log line and
// `inspect` of its failure paths is swept for them.

const TARGET_SECRET = 'target-pw-5ecr3t-d4';
const ENDPOINT_SECRET = 'endpoint-pw-5ecr3t-e5';
const HEADER_SECRET = 'header-token-5ecr3t-f6';
const QUERY_SECRET = 'query-token-5ecr3t-g7';
let keyLine = '';
let servers: Server[] = [];

async function node(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  keyLine = (await loopbackCertificate()).key.split('\n')[1] ?? '';
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

function errorTexts(error: unknown, seen = new Set<unknown>()): string[] {
  if (seen.has(error) || error === undefined || error === null) return [];
  seen.add(error);
  if (typeof error !== 'object') return [inspect(error)];
  const { message, cause, errors } = error as { message?: unknown; cause?: unknown; errors?: unknown };
  return [
    String(message),
    inspect(error, { depth: 10 }),
    ...errorTexts(cause, seen),
    ...(Array.isArray(errors) ? errors.flatMap((each) => errorTexts(each, seen)) : []),
  ];
}

const caught = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('secrets given to the HTTP client', () => {
  it('appear in no error, cause, log line or inspect of its failure paths', async () => {
    const { key, cert } = await loopbackCertificate();
    keyLine = key.split('\n')[1] ?? '';
    const texts: string[] = [];
    const logger = recordingLogger();

    // A target with credentials: refused.
    texts.push(
      ...errorTexts(
        await caught(
          Promise.resolve().then(() =>
            createHttpClient({ target: `http://admin:${TARGET_SECRET}@127.0.0.1:1` }),
          ),
        ),
      ),
    );

    // Instances whose endpoints carry credentials: one down, one answering 503, one too slow, one too large.
    const unavailable = await node((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const slow = await node(() => undefined);
    const large = await node((_req, res) => res.end(Buffer.alloc(4096)));
    const down = await freePort();
    const registry = new InMemoryRegistry();
    const endpoint = (port: number): string => `http://user:${ENDPOINT_SECRET}@127.0.0.1:${port}`;
    for (const [id, port] of [
      ['down', down],
      ['unavailable', unavailable],
    ] as const) {
      await registry.register({
        id,
        name: 'greeter',
        version: '1',
        metadata: {},
        endpoints: [endpoint(port)],
      });
    }
    const request = {
      method: 'POST',
      path: `/hello?name=Ada&token=${QUERY_SECRET}`,
      headers: { authorization: `Bearer ${HEADER_SECRET}` },
    };
    const clients: HttpClient[] = [
      createHttpClient({ target: 'discovery:///greeter', discovery: registry, logger, timeout: 2_000 }),
      createHttpClient({ target: `127.0.0.1:${slow}`, logger, timeout: 300 }),
      createHttpClient({ target: `http://127.0.0.1:${large}`, logger, maxResponseBytes: 16 }),
      createHttpClient({
        target: `https://127.0.0.1:${down}`,
        tls: { key, cert, ca: cert },
        logger,
        timeout: 1_000,
      }),
    ];
    for (const client of clients) {
      texts.push(inspect(client, { depth: 10, showHidden: true }));
      texts.push(...errorTexts(await caught(client.request(request))));
      texts.push(...errorTexts(await caught(client.request({ ...request, method: 'GET' }))));
      texts.push(
        ...errorTexts(
          await caught(client.request({ ...request, signal: AbortSignal.abort(new Error('gave up')) })),
        ),
      );
      texts.push(
        ...errorTexts(await caught(client.request({ ...request, path: `/a b?token=${QUERY_SECRET}` }))),
      );
      await client.close();
      texts.push(...errorTexts(await caught(client.request(request))));
    }
    for (const record of logger.records) texts.push(record.msg, inspect(record.fields, { depth: 10 }));

    expect(texts.length).toBeGreaterThan(20);
    expect(logger.records.length).toBeGreaterThan(0);
    const secrets = [TARGET_SECRET, ENDPOINT_SECRET, HEADER_SECRET, QUERY_SECRET, keyLine];
    const leaks = texts.flatMap((text) =>
      secrets
        .filter((secret) => text.includes(secret))
        .map((secret) => `${secret} in: ${text.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  }, 30_000);
});
