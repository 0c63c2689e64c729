import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Container } from 'inversify';
import { LifecycleKernel, createKratosModule } from '../../src/index.js';
import { Api, Pool } from '../fixtures/docs/client-resource.js';

// docs/lifecycle.md "Client resources" shows this compiled source; here it runs for real: a real
// HTTP server on a loopback port whose handler uses the pool while it drains.
const fixture = new URL('../fixtures/docs/client-resource.ts', import.meta.url);
const docs = new URL('../../../../docs/lifecycle.md', import.meta.url);

describe('docs/lifecycle.md "Client resources"', () => {
  it('shows exactly the compiled example', () => {
    const text = readFileSync(fileURLToPath(docs), 'utf8');
    const start = text.indexOf('```ts\n', text.indexOf('## Client resources')) + '```ts\n'.length;
    expect(text.slice(start, text.indexOf('```', start))).toBe(readFileSync(fileURLToPath(fixture), 'utf8'));
  });

  it('the pool opens before the server starts, serves requests during the drain, and closes after the server stopped', async () => {
    const container = new Container();
    container.load(
      createKratosModule({
        name: 'pool-example',
        drainDelay: 300,
        signals: [],
        servers: [Api],
        hooks: [Pool],
      }),
    );
    const kernel = container.get(LifecycleKernel);
    const pool = container.get(Pool);
    const running = new Promise<void>((resolve) =>
      kernel.state$.subscribe((state) => state === 'running' && resolve()),
    );
    const run = kernel.run();
    await running;
    const [endpoint] = kernel.app.endpoints;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stopping = new Promise<void>((resolve) =>
      kernel.state$.subscribe((state) => state === 'stopping' && resolve()),
    );
    const stopped = kernel.stop();
    await stopping;
    // The drain: deregistered, still serving, the pool still open.
    const answer = await fetch(`${endpoint}/`).then((res) => res.text());
    expect(answer).toBe('rows of select 1');
    await stopped;
    await run;
    expect(pool.log).toEqual(['open', 'select 1', 'closed']);
    expect(() => pool.query('select 2')).toThrow('the pool is closed');
  });
});
