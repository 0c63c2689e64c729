import { describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import type { ServiceDiscovery, ServiceInstance } from '@kratos-ts/core';
import { recordingLogger } from '@kratos-ts/testing';
import { NEVER, map, startWith, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  DiscoveryErrorCode,
  version,
  watchNodes,
  type NodeFilter,
  type NodeSet,
  type NodeSetOptions,
} from '../src/index.js';
import { FakeDiscovery } from './support/fake-discovery.js';
import { VirtualClock, describeState, instance, settle, track } from './support/fixtures.js';

const scheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A discovery whose watch of any name is `watch$`. */
const discoveryOf = (watch$: Observable<ServiceInstance[]>): ServiceDiscovery => ({
  getService: async () => [],
  watch: () => watch$,
});

const one = [instance('1', ['http://10.0.0.1:8000'])];
const two = [instance('1', ['http://10.0.0.1:8000']), instance('2', ['http://10.0.0.2:8000'])];
const none: ServiceInstance[] = [];
const ONE = 'ready[http://10.0.0.1:8000]';
const TWO = 'ready[http://10.0.0.1:8000, http://10.0.0.2:8000]';

describe('watchNodes: the watch', () => {
  it('does not watch before the node set is first used, then watches on first use', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: clock.scheduler });
    expect(discovery.subscribed.get('greeter')).toBeUndefined();
    expect(set.state).toEqual({ kind: 'resolving' });
    expect(discovery.active('greeter')).toBe(1);
  });

  it.each([
    ['state$', (s: ReturnType<typeof watchNodes>) => void s.state$.subscribe()],
    ['nodes()', (s: ReturnType<typeof watchNodes>) => void s.nodes()],
    ['ready()', (s: ReturnType<typeof watchNodes>) => void s.ready().catch(() => undefined)],
  ])('starts the watch on the first use of %s', (_what, use) => {
    const discovery = new FakeDiscovery();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    expect(discovery.active('greeter')).toBe(0);
    use(set);
    expect(discovery.active('greeter')).toBe(1);
    set.close();
  });

  it('shares one watch subscription between node sets of the same discovery and name, until the last closes', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch$ = cold<ServiceInstance[]>('');
      const discovery = discoveryOf(watch$.pipe(startWith(one)));
      const http = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: s });
      const alsoHttp = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: s });
      const other = watchNodes(discovery, 'other', { schemes: ['http'], scheduler: s });
      expectObservable(http.state$.pipe(map(describeState))).toBe('a 39ms |', { a: ONE });
      expectObservable(alsoHttp.state$.pipe(map(describeState))).toBe('a 59ms |', { a: ONE });
      s.schedule(() => http.close(), 40);
      s.schedule(() => alsoHttp.close(), 60);
      s.schedule(() => void other.nodes(), 10);
      s.schedule(() => other.close(), 20);
      expectSubscriptions(watch$.subscriptions).toBe(['^ 59ms !', '10ms ^ 9ms !']);
    });
  });

  it('replays the latest list to a node set that joins later, without a second watch', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch$ = cold<ServiceInstance[]>('20ms b', { b: two });
      const discovery = discoveryOf(watch$.pipe(startWith(one)));
      const first = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: s });
      const late = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: s });
      expectObservable(first.state$.pipe(map(describeState))).toBe('a 19ms b', { a: ONE, b: TWO });
      expectObservable(late.state$.pipe(map(describeState)), '30ms ^').toBe('30ms b', { b: TWO });
      expectSubscriptions(watch$.subscriptions).toBe('^');
    });
  });

  it('starts a new watch for a node set that comes after the last one closed', () => {
    const discovery = new FakeDiscovery();
    discovery.emit('greeter', one);
    const first = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    expect(first.nodes()).toHaveLength(1);
    first.close();
    expect(discovery.active('greeter')).toBe(0);
    discovery.emit('greeter', two);
    const second = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    expect(second.nodes()).toHaveLength(2);
    expect(discovery.subscribed.get('greeter')).toBe(2);
    second.close();
  });

  it('keeps the nodes of its own schemes and filters from the shared list', () => {
    const discovery = new FakeDiscovery();
    discovery.emit('greeter', [
      instance('1', ['http://10.0.0.1:8000', 'grpc://10.0.0.1:9000'], { version: '1.0.0' }),
      instance('2', ['http://10.0.0.2:8000', 'grpc://10.0.0.2:9000'], { version: '2.0.0' }),
    ]);
    const http = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    const grpcV2 = watchNodes(discovery, 'greeter', { schemes: ['grpc'], filters: [version('2.0.0')] });
    expect(http.nodes().map((n) => n.endpoint)).toEqual(['http://10.0.0.1:8000', 'http://10.0.0.2:8000']);
    expect(grpcV2.nodes().map((n) => n.endpoint)).toEqual(['grpc://10.0.0.2:9000']);
    expect(discovery.subscribed.get('greeter')).toBe(1);
    http.close();
    grpcV2.close();
  });

  it('on a watch error: warns naming the service, keeps its state, and watches again 1000 ms later', () => {
    const s = scheduler();
    const logger = recordingLogger();
    s.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch$ = cold<ServiceInstance[]>('10ms #', undefined, new Error('etcd unavailable'));
      const set = watchNodes(discoveryOf(watch$.pipe(startWith(one))), 'greeter', {
        schemes: ['http'],
        scheduler: s,
        logger,
      });
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 1499ms |', { a: ONE });
      expectSubscriptions(watch$.subscriptions).toBe(['^ 9ms !', '1010ms ^ 9ms !']);
      s.schedule(() => set.close(), 1500);
    });
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.msg).toBe(
      'discovery "greeter": the watch failed: etcd unavailable; watching again in 1000 ms (the nodes known so far stay in use)',
    );
    // The message says the cause; the fields do not carry it again (issue 14 item 11).
    expect(warnings[0]?.fields).toEqual({ service: 'greeter' });
  });

  it('on a watch that completes: warns naming the service and watches again 1000 ms later', () => {
    const s = scheduler();
    const logger = recordingLogger();
    s.run(({ cold, expectObservable, expectSubscriptions }) => {
      const watch$ = cold<ServiceInstance[]>('5ms |');
      const set = watchNodes(discoveryOf(watch$.pipe(startWith(one))), 'greeter', {
        schemes: ['http'],
        scheduler: s,
        logger,
      });
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 1199ms |', { a: ONE });
      expectSubscriptions(watch$.subscriptions).toBe(['^ 4ms !', '1005ms ^ 4ms !']);
      s.schedule(() => set.close(), 1200);
    });
    expect(logger.messages('warn')[0]).toBe(
      'discovery "greeter": the watch completed; watching again in 1000 ms (the nodes known so far stay in use)',
    );
  });

  it('treats a watch() that throws like a watch that fails', () => {
    const clock = new VirtualClock();
    const logger = recordingLogger();
    let calls = 0;
    const discovery: ServiceDiscovery = {
      getService: async () => [],
      watch: () => {
        calls++;
        if (calls === 1) throw new Error('not connected');
        return NEVER;
      },
    };
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: clock.scheduler, logger });
    expect(set.state.kind).toBe('resolving');
    expect(logger.messages('warn')[0]).toContain('"greeter": the watch failed: not connected');
    clock.advance(999);
    expect(calls).toBe(1);
    clock.advance(1);
    expect(calls).toBe(2);
    set.close();
  });

  it('warns once per logger when node sets that share a watch share a logger', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const shared = recordingLogger();
    const own = recordingLogger();
    const options = { schemes: ['http'], scheduler: clock.scheduler };
    const sets = [
      watchNodes(discovery, 'greeter', { ...options, logger: shared }),
      watchNodes(discovery, 'greeter', { ...options, logger: shared }),
      watchNodes(discovery, 'greeter', { ...options, logger: own }),
    ];
    for (const set of sets) set.nodes();
    discovery.fail('greeter', new Error('lost'));
    expect(shared.messages('warn')).toHaveLength(1);
    expect(own.messages('warn')).toHaveLength(1);
    clock.advance(1_000);
    expect(discovery.subscribed.get('greeter')).toBe(2);
    for (const set of sets) set.close();
    expect(discovery.active('greeter')).toBe(0);
  });

  it('ends a re-watch whose first list makes every node set close', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const options = { schemes: ['http'], scheduler: clock.scheduler };
    const first = watchNodes(discovery, 'greeter', options);
    const second = watchNodes(discovery, 'greeter', options);
    discovery.emit('greeter', one);
    second.nodes();
    first.state$.subscribe((state) => {
      if (state.kind === 'ready' && state.nodes.length === 2) {
        first.close();
        second.close();
      }
    });
    discovery.fail('greeter', new Error('lost'));
    discovery.emit('greeter', two);
    clock.advance(1_000);
    expect(discovery.subscribed.get('greeter')).toBe(2);
    expect(discovery.active('greeter')).toBe(0);
  });

  it('does not watch again once closed while waiting to', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: clock.scheduler });
    set.nodes();
    discovery.fail('greeter', new Error('lost'));
    set.close();
    clock.advance(5_000);
    expect(discovery.subscribed.get('greeter')).toBe(1);
    expect(discovery.active('greeter')).toBe(0);
  });
});

describe('watchNodes: states and the empty-list policy', () => {
  it('is resolving until the first non-empty list, then ready with its nodes', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('20ms a 9ms b', { a: one, b: two });
      const set = watchNodes(discoveryOf(watch$), 'greeter', { schemes: ['http'], scheduler: s });
      expectObservable(set.state$.pipe(map(describeState))).toBe('r 19ms a 9ms b', {
        r: 'resolving',
        a: ONE,
        b: TWO,
      });
    });
  });

  it('emits distinct states only: the same list again is no change', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const copyOfOne = [instance('1', ['http://10.0.0.1:8000'])];
      const watch$ = cold<ServiceInstance[]>('10ms b 9ms c', { b: copyOfOne, c: two });
      const set = watchNodes(discoveryOf(watch$.pipe(startWith(one))), 'greeter', {
        schemes: ['http'],
        scheduler: s,
      });
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 19ms c', { a: ONE, c: TWO });
    });
  });

  it('keeps the last non-empty list for emptyGrace after the list turns empty, then is empty', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('100ms e', { e: none }).pipe(startWith(one));
      const set = watchNodes(discoveryOf(watch$), 'greeter', { schemes: ['http'], scheduler: s });
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 1099ms e', { a: ONE, e: 'empty' });
    });
  });

  it('honours a custom emptyGrace, and 0 as "at once"', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('100ms e', { e: none }).pipe(startWith(one));
      const slow = watchNodes(discoveryOf(watch$), 'greeter', {
        schemes: ['http'],
        scheduler: s,
        emptyGrace: 250,
      });
      const fast = watchNodes(discoveryOf(watch$), 'greeter', {
        schemes: ['http'],
        scheduler: s,
        emptyGrace: 0,
      });
      expectObservable(slow.state$.pipe(map(describeState))).toBe('a 349ms e', { a: ONE, e: 'empty' });
      expectObservable(fast.state$.pipe(map(describeState))).toBe('a 99ms e', { a: ONE, e: 'empty' });
    });
  });

  it('a non-empty list during the grace cancels the grace timer (no empty state)', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('100ms e 499ms b 1999ms e', { e: none, b: two }).pipe(
        startWith(one),
      );
      const set = watchNodes(discoveryOf(watch$), 'greeter', { schemes: ['http'], scheduler: s });
      // The second empty list (at 2600) starts a fresh grace of its own: empty at 3600, not earlier.
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 599ms b 2999ms e', {
        a: ONE,
        b: TWO,
        e: 'empty',
      });
    });
  });

  it('the grace counts from the first empty list, not from the latest one', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('100ms e 99ms f', { e: none, f: [] }).pipe(startWith(one));
      const set = watchNodes(discoveryOf(watch$), 'greeter', { schemes: ['http'], scheduler: s });
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 1099ms e', { a: ONE, e: 'empty' });
    });
  });

  it('an empty list while resolving becomes empty after emptyGrace, and recovers on an instance', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('e 1999ms a', { e: none, a: one });
      const set = watchNodes(discoveryOf(watch$), 'greeter', { schemes: ['http'], scheduler: s });
      expectObservable(set.state$.pipe(map(describeState))).toBe('r 999ms e 999ms a', {
        r: 'resolving',
        e: 'empty',
        a: ONE,
      });
    });
  });

  it('filters that leave nothing make the set empty, like an empty list', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('a', { a: one });
      const set = watchNodes(discoveryOf(watch$), 'greeter', {
        schemes: ['http'],
        filters: [version('9.9.9')],
        scheduler: s,
      });
      expectObservable(set.state$.pipe(map(describeState))).toBe('r 999ms e', { r: 'resolving', e: 'empty' });
    });
  });

  it('nodes() gives the nodes of a ready state (the kept ones during the grace), else none', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: clock.scheduler });
    expect(set.nodes()).toEqual([]);
    discovery.emit('greeter', two);
    expect(set.nodes().map((n) => n.endpoint)).toEqual(['http://10.0.0.1:8000', 'http://10.0.0.2:8000']);
    discovery.emit('greeter', none);
    clock.advance(999);
    expect(set.nodes()).toHaveLength(2);
    clock.advance(1);
    expect(set.nodes()).toEqual([]);
    set.close();
  });
});

describe('watchNodes: ready()', () => {
  const options = (clock: VirtualClock, extra: Partial<NodeSetOptions> = {}): NodeSetOptions => ({
    schemes: ['http'],
    scheduler: clock.scheduler,
    ...extra,
  });

  it('waits for the first non-empty list and resolves with its nodes', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', options(clock));
    const ready = track(set.ready());
    discovery.emit('greeter', none);
    clock.advance(500);
    await settle();
    expect(ready.status).toBe('pending');
    discovery.emit('greeter', two);
    await settle();
    expect(ready.status).toBe('resolved');
    expect(ready.value?.map((n) => n.endpoint)).toEqual(['http://10.0.0.1:8000', 'http://10.0.0.2:8000']);
    set.close();
  });

  it('resolves at once when ready, with the kept nodes during the grace', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    discovery.emit('greeter', one);
    const set = watchNodes(discovery, 'greeter', options(clock));
    await expect(set.ready()).resolves.toHaveLength(1);
    discovery.emit('greeter', none);
    clock.advance(999);
    await expect(set.ready()).resolves.toHaveLength(1);
    set.close();
  });

  it('rejects with KRATOS_NO_INSTANCES and the abort reason as cause when the signal aborts first', async () => {
    const discovery = new FakeDiscovery();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    const controller = new AbortController();
    const reason = new Error('call timed out');
    const ready = set.ready(controller.signal);
    controller.abort(reason);
    const error = await ready.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: DiscoveryErrorCode.NoInstances, cause: reason });
    expect((error as Error).message).toContain('service "greeter"');
    expect((error as Error).message).toContain('gave up');
    expect((error as Error).message).toContain('registry has listed no instance of it yet');
    // The node set is unharmed: a later list still resolves later callers.
    discovery.emit('greeter', one);
    await expect(set.ready()).resolves.toHaveLength(1);
    set.close();
  });

  it('rejects at once when the signal is already aborted', async () => {
    const set = watchNodes(new FakeDiscovery(), 'greeter', { schemes: ['http'] });
    const reason = new Error('too late');
    await expect(set.ready(AbortSignal.abort(reason))).rejects.toMatchObject({
      code: DiscoveryErrorCode.NoInstances,
      cause: reason,
    });
    set.close();
  });

  it('stops listening to the signal once settled (no listener left on long-lived signals)', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', options(clock));
    const resolved = new AbortController();
    const rejected = new AbortController();
    const first = track(set.ready(resolved.signal));
    expect(getEventListeners(resolved.signal, 'abort')).toHaveLength(1);
    discovery.emit('greeter', one);
    await settle();
    expect(first.status).toBe('resolved');
    expect(getEventListeners(resolved.signal, 'abort')).toHaveLength(0);
    discovery.emit('greeter', none);
    clock.advance(1_000);
    discovery.emit('greeter', none);
    set.close();
    const closed = track(set.ready(rejected.signal));
    await settle();
    expect(closed.status).toBe('rejected');
    expect(getEventListeners(rejected.signal, 'abort')).toHaveLength(0);
  });

  it('a waiter rejected by the empty state stops listening to its signal', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', options(clock));
    const controller = new AbortController();
    const waiting = track(set.ready(controller.signal));
    discovery.emit('greeter', none);
    clock.advance(1_000);
    await settle();
    expect(waiting.status).toBe('rejected');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    set.close();
  });

  it('after emptyGrace of an empty list, rejects at once with KRATOS_NO_INSTANCES naming the service', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    discovery.emit('greeter', one);
    const set = watchNodes(discovery, 'greeter', options(clock));
    set.nodes();
    discovery.emit('greeter', none);
    clock.advance(1_000);
    const error = await set.ready().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: DiscoveryErrorCode.NoInstances });
    expect((error as Error).message).toBe(
      'No instance of service "greeter" to call: the registry lists no instance of it (for at least 1000 ms). ' +
        'Start an instance of "greeter" registered under exactly that name in the registry this discovery reads, ' +
        'or check the service name of the target.',
    );
    set.close();
  });

  it('rejects the callers still waiting when empty is reached', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', options(clock));
    const waiting = track(set.ready());
    discovery.emit('greeter', none);
    clock.advance(999);
    await settle();
    expect(waiting.status).toBe('pending');
    clock.advance(1);
    await settle();
    expect(waiting.status).toBe('rejected');
    expect(waiting.error).toMatchObject({ code: DiscoveryErrorCode.NoInstances });
    set.close();
  });

  it('recovers from empty: a non-empty list makes ready() resolve again', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const set = watchNodes(discovery, 'greeter', options(clock));
    set.nodes();
    discovery.emit('greeter', none);
    clock.advance(1_000);
    await expect(set.ready()).rejects.toMatchObject({ code: DiscoveryErrorCode.NoInstances });
    discovery.emit('greeter', two);
    await expect(set.ready()).resolves.toHaveLength(2);
    expect(set.state.kind).toBe('ready');
    set.close();
  });

  it('says so when the registry lists instances but none has an endpoint of the wanted scheme', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    discovery.emit('greeter', [
      instance('1', ['grpc://10.0.0.1:9000']),
      instance('2', ['grpc://10.0.0.2:9000']),
    ]);
    const set = watchNodes(discovery, 'greeter', options(clock));
    set.nodes();
    clock.advance(1_000);
    const error = await set.ready().catch((e: unknown) => e);
    expect((error as Error).message).toContain('service "greeter"');
    expect((error as Error).message).toContain(
      'the registry lists 2 instances of it, but none has a http endpoint',
    );
    expect((error as Error).message).toContain('Register the instances with a http endpoint');
    set.close();
  });

  it('says so when the filters left no node', async () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    discovery.emit('greeter', one);
    const set = watchNodes(discovery, 'greeter', options(clock, { filters: [version('2.0.0')] }));
    set.nodes();
    clock.advance(1_000);
    const error = await set.ready().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: DiscoveryErrorCode.NoInstances });
    expect((error as Error).message).toContain('the registry lists 1 instance of it with 1 http endpoint');
    expect((error as Error).message).toContain("the client's filters left none");
    set.close();
  });
});

describe('watchNodes: logs', () => {
  it('logs every list change at debug level naming the service, and nothing at info', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const logger = recordingLogger();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], scheduler: clock.scheduler, logger });
    set.nodes();
    discovery.emit('greeter', two);
    discovery.emit('greeter', [
      instance('1', ['http://10.0.0.1:8000']),
      instance('2', ['http://10.0.0.2:8000']),
    ]);
    discovery.emit('greeter', none);
    clock.advance(1_000);
    discovery.emit('greeter', one);
    expect(logger.messages('debug')).toEqual([
      'discovery "greeter": 2 nodes [http://10.0.0.1:8000, http://10.0.0.2:8000]',
      'discovery "greeter": 0 nodes (the registry lists no instance of it); keeping the 2 previous nodes for 1000 ms',
      'discovery "greeter": no node for 1000 ms; calls fail fast with KRATOS_NO_INSTANCES until an instance appears',
      'discovery "greeter": 1 node [http://10.0.0.1:8000]',
    ]);
    expect(logger.records.filter((r) => r.level !== 'debug')).toEqual([]);
    expect(logger.records[0]?.fields).toMatchObject({ service: 'greeter', nodes: 2 });
    set.close();
  });

  it('builds no debug message when the logger says debug is off', () => {
    const discovery = new FakeDiscovery();
    const logger = Object.assign(recordingLogger(), {
      isLevelEnabled: (level: string) => level !== 'debug',
    });
    discovery.emit('greeter', one);
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], logger });
    expect(set.nodes()).toHaveLength(1);
    expect(logger.records).toEqual([]);
    set.close();
  });

  it('a filter that throws is logged as a warning naming the service, and the list is ignored', () => {
    const discovery = new FakeDiscovery();
    const logger = recordingLogger();
    let fail = false;
    const flaky: NodeFilter = (nodes) => {
      if (fail) throw new Error('bad filter');
      return nodes;
    };
    discovery.emit('greeter', one);
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'], logger, filters: [flaky] });
    expect(set.nodes()).toHaveLength(1);
    fail = true;
    discovery.emit('greeter', two);
    expect(set.nodes()).toHaveLength(1);
    expect(logger.messages('warn')).toEqual([
      'discovery "greeter": a filter threw (its error is in err, with its stack); this list is ignored and the nodes known so far stay in use',
    ]);
    // The error is in the record once: as `err` (issue 14 item 11).
    expect(logger.records.find((record) => record.level === 'warn')?.fields).toEqual({
      service: 'greeter',
      err: new Error('bad filter'),
    });
    set.close();
  });
});

describe('watchNodes: close()', () => {
  it('is idempotent, completes state$, rejects waiters and later ready() with KRATOS_DISCOVERY_CLOSED', async () => {
    const discovery = new FakeDiscovery();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    const states: string[] = [];
    let completed = false;
    set.state$.subscribe({
      next: (state) => states.push(describeState(state)),
      complete: () => (completed = true),
    });
    const waiting = set.ready();
    set.close();
    set.close();
    expect(completed).toBe(true);
    expect(states).toEqual(['resolving']);
    await expect(waiting).rejects.toMatchObject({ code: DiscoveryErrorCode.Closed });
    const error = await set.ready().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: DiscoveryErrorCode.Closed });
    expect((error as Error).message).toContain('service "greeter" is closed');
    let lateCompleted = false;
    set.state$.subscribe({ complete: () => (lateCompleted = true) });
    expect(lateCompleted).toBe(true);
  });

  it('releases the shared watch only with its last user, and ignores lists after close', () => {
    const discovery = new FakeDiscovery();
    const clock = new VirtualClock();
    const options = { schemes: ['http'], scheduler: clock.scheduler };
    const first = watchNodes(discovery, 'greeter', options);
    const second = watchNodes(discovery, 'greeter', options);
    first.nodes();
    second.nodes();
    expect(discovery.active('greeter')).toBe(1);
    first.close();
    expect(discovery.active('greeter')).toBe(1);
    discovery.emit('greeter', one);
    expect(first.nodes()).toEqual([]);
    expect(second.nodes()).toHaveLength(1);
    second.close();
    expect(discovery.active('greeter')).toBe(0);
  });

  it('cancels the grace timer', () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const watch$ = cold<ServiceInstance[]>('10ms e', { e: none }).pipe(startWith(one));
      const set = watchNodes(discoveryOf(watch$), 'greeter', { schemes: ['http'], scheduler: s });
      s.schedule(() => set.close(), 500);
      expectObservable(set.state$.pipe(map(describeState))).toBe('a 499ms |', { a: ONE });
    });
  });

  it('closing a node set never used does not start a watch', () => {
    const discovery = new FakeDiscovery();
    const set = watchNodes(discovery, 'greeter', { schemes: ['http'] });
    set.close();
    expect(set.nodes()).toEqual([]);
    expect(discovery.subscribed.get('greeter')).toBeUndefined();
  });

  it('a node set closed while it receives its first list (here by its own filter) leaves the watch', () => {
    const discovery = new FakeDiscovery();
    discovery.emit('greeter', one);
    const set: NodeSet = watchNodes(discovery, 'greeter', {
      schemes: ['http'],
      filters: [(nodes) => (set.close(), nodes)],
    });
    expect(set.nodes()).toEqual([]);
    expect(discovery.subscribed.get('greeter')).toBe(1);
    expect(discovery.active('greeter')).toBe(0);
  });
});
