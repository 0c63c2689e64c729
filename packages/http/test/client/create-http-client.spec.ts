import { describe, expect, it } from '@jest/globals';
import { InMemoryRegistry, isKratosError, type KratosError, type ServiceDiscovery } from '@kratos-ts/core';
import { finalize, VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { createHttpClient, type HttpClientOptions } from '../../src/client.js';

// Virtual time: the client's deadline and the node set's empty-list grace run on `scheduler`, so
// these tests wait for no real timer. Nothing here opens a socket: no instance is ever listed.

/** A virtual-time scheduler that counts the timers still pending (scheduled, neither run nor cancelled). */
function countingScheduler(): {
  scheduler: SchedulerLike;
  /** Runs every timer due by virtual time `to` (every timer without it). */
  flush(to?: number): void;
  pending(): number;
} {
  const virtual = new VirtualTimeScheduler();
  let pending = 0;
  const scheduler: SchedulerLike = {
    now: () => virtual.now(),
    schedule(work, delay, state) {
      pending += 1;
      let done = false;
      const finish = (): void => {
        if (!done) pending -= 1;
        done = true;
      };
      const subscription = virtual.schedule(
        function (this: unknown, s?: unknown) {
          finish();
          (work as (state?: unknown) => void).call(this, s);
        },
        delay,
        state,
      );
      subscription.add(finish);
      return subscription;
    },
  };
  const flush = (to = Number.POSITIVE_INFINITY): void => {
    virtual.maxFrames = to;
    virtual.flush();
  };
  return { scheduler, flush, pending: () => pending };
}

async function rejection(promise: Promise<unknown>): Promise<KratosError> {
  try {
    await promise;
  } catch (error) {
    if (isKratosError(error)) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

function client(options: Partial<HttpClientOptions> & { scheduler: SchedulerLike }) {
  return createHttpClient({ target: 'discovery:///greeter', discovery: new InMemoryRegistry(), ...options });
}

describe('createHttpClient (virtual time, no instance)', () => {
  it('the deadline covers waiting for the first instances: KRATOS_HTTP_CLIENT_TIMEOUT says why none came', async () => {
    const time = countingScheduler();
    const http = client({ scheduler: time.scheduler, timeout: 100, emptyGrace: 5_000 });
    const pending = rejection(http.request({ path: '/hello' }));
    time.flush();
    const error = await pending;
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_TIMEOUT');
    expect(error.message).toContain(
      'Request GET /hello to "greeter" timed out after 100 ms waiting for the first instances of the service.',
    );
    expect(error.message).toContain('the registry lists no instance of it');
    expect((error.cause as KratosError).code).toBe('KRATOS_NO_INSTANCES');
    await http.close();
    expect(time.pending()).toBe(0);
  });

  it('an empty list for emptyGrace fails fast with KRATOS_NO_INSTANCES naming the service', async () => {
    const time = countingScheduler();
    const http = client({ scheduler: time.scheduler, timeout: 10_000, emptyGrace: 50 });
    const first = rejection(http.request({ path: '/hello' }));
    time.flush(50);
    const error = await first;
    expect(error.code).toBe('KRATOS_NO_INSTANCES');
    expect(error.message).toContain('No instance of service "greeter" to call');
    // From now on at once, with no timer left behind.
    expect((await rejection(http.request({ path: '/hello' }))).code).toBe('KRATOS_NO_INSTANCES');
    expect(time.pending()).toBe(0);
    await http.close();
  });

  it("the caller's signal aborts the wait with KRATOS_HTTP_CLIENT_ABORTED, its reason as cause", async () => {
    const time = countingScheduler();
    const http = client({ scheduler: time.scheduler });
    const controller = new AbortController();
    const pending = rejection(http.request({ path: '/hello', signal: controller.signal }));
    const reason = new Error('user left');
    controller.abort(reason);
    const error = await pending;
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_ABORTED');
    expect(error.message).toContain(
      'Request GET /hello to "greeter" was aborted by its signal before any attempt',
    );
    expect(error.cause).toBe(reason);
    const already = await rejection(http.request({ path: '/x', signal: AbortSignal.abort('early') }));
    expect([already.code, already.cause]).toEqual(['KRATOS_HTTP_CLIENT_ABORTED', 'early']);
    await http.close();
    expect(time.pending()).toBe(0);
  });

  it('close() stops waiting requests with KRATOS_HTTP_CLIENT_CLOSED; later calls reject with it at once', async () => {
    const time = countingScheduler();
    const http = client({ scheduler: time.scheduler });
    const waiting = rejection(http.request({ method: 'POST', path: '/orders' }));
    const closing = http.close();
    expect(http.close()).toBe(closing);
    await closing;
    const stopped = await waiting;
    expect(stopped.code).toBe('KRATOS_HTTP_CLIENT_CLOSED');
    expect(stopped.message).toContain(
      'Request POST /orders to "greeter" was given up: the client was closed before any attempt',
    );
    const later = await rejection(http.request({ path: '/hello' }));
    expect(later.code).toBe('KRATOS_HTTP_CLIENT_CLOSED');
    expect(later.message).toContain('HTTP client of "greeter" is closed: create a new client');
    expect(http.nodes()).toEqual([]);
    expect(time.pending()).toBe(0);
  });

  it('invalid request options reject before anything is scheduled', async () => {
    const time = countingScheduler();
    const http = client({ scheduler: time.scheduler });
    const error = await rejection(http.request({ path: 'hello' }));
    expect(error.code).toBe('KRATOS_HTTP_CLIENT_INVALID_OPTIONS');
    expect(time.pending()).toBe(0);
    await http.close();
  });

  it('watches the registry from the first use only, and stops watching on close()', async () => {
    const registry = new InMemoryRegistry();
    let watching = 0;
    const discovery: ServiceDiscovery = {
      getService: (name, signal) => registry.getService(name, signal),
      watch: (name) => {
        watching += 1;
        return registry.watch(name).pipe(finalize(() => (watching -= 1)));
      },
    };
    const time = countingScheduler();
    const http = createHttpClient({ target: 'discovery:///greeter', discovery, scheduler: time.scheduler });
    expect(watching).toBe(0);
    expect(http.nodes()).toEqual([]);
    expect(watching).toBe(1);
    await http.close();
    expect(watching).toBe(0);
    expect(time.pending()).toBe(0);

    const unused = createHttpClient({ target: 'discovery:///greeter', discovery });
    await unused.close();
    expect(watching).toBe(0);
  });
});
