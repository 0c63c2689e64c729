import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpRegistrar } from '../docs/http-registrar.js';

const instance = {
  id: '1',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
};
const requests: string[] = [];
let server: Server;
let baseUrl: string;
let hang = false;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (hang) return; // never answers
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the custom registrar example of docs/registry.md', () => {
  it('registers with PUT and deregisters with DELETE', async () => {
    const registrar = new HttpRegistrar(baseUrl);
    await registrar.register(instance, AbortSignal.timeout(2_000));
    await registrar.deregister(instance, AbortSignal.timeout(2_000));
    expect(requests).toEqual(['PUT /services/greeter/1', 'DELETE /services/greeter/1']);
  });

  it('is the very source docs/registry.md shows', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const doc = readFileSync(join(here, '..', '..', '..', '..', 'docs', 'registry.md'), 'utf8');
    const source = readFileSync(join(here, '..', 'docs', 'http-registrar.ts'), 'utf8');
    const shown = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(shown).toContain(source.slice(source.indexOf('import type')).trim());
  });

  it('honours its signal when the registry does not answer', async () => {
    hang = true;
    const registrar = new HttpRegistrar(baseUrl);
    await expect(registrar.register(instance, AbortSignal.timeout(100))).rejects.toThrow();
    hang = false;
  });
});
