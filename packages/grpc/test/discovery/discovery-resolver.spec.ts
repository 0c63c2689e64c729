import { describe, expect, it } from '@jest/globals';
import { experimental, status, type ChannelOptions } from '@grpc/grpc-js';
import { InMemoryRegistry, type ServiceDiscovery } from '@kratos-ts/core';
import { version } from '@kratos-ts/discovery';
import { recordingLogger } from '@kratos-ts/testing';
import { registerDiscoveryResolver, type DiscoveryResolverOptions } from '../../src/index.js';
import { CountingDiscovery } from './support/counting-discovery.js';
import { fakeListener } from './support/fake-listener.js';
import { instance } from './support/instances.js';
import { settle, virtualTime } from './support/virtual-time.js';

const ROUND_ROBIN = { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [] };
const CHANNEL_CONFIG = {
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ pick_first: {} }] }),
};

let schemes = 0;

/**
 * Registers the resolver under a scheme of its own (grpc-js's table is per process) and creates
 * one for `discovery:///greeter` the way a channel does, with a listener that records what it hears.
 */
function setup(
  spec: {
    discovery?: ServiceDiscovery;
    options?: DiscoveryResolverOptions;
    channelOptions?: ChannelOptions;
    target?: Omit<experimental.GrpcUri, 'scheme'>;
  } = {},
) {
  const scheme = `discovery-unit${++schemes}`;
  const registry = new InMemoryRegistry();
  const discovery = spec.discovery ?? registry;
  const time = virtualTime();
  const logger = recordingLogger();
  registerDiscoveryResolver(discovery, { scheduler: time.scheduler, logger, ...spec.options, scheme });
  const { listener, reports } = fakeListener();
  const target = { scheme, ...(spec.target ?? { authority: '', path: 'greeter' }) };
  const resolver = experimental.createResolver(target, listener, spec.channelOptions ?? {});
  return { scheme, registry, resolver, reports, time, logger };
}

describe('the discovery resolver', () => {
  describe('addresses', () => {
    it("resolves the instances' grpc:// endpoints, each address once, ignoring http(s) and grpcs", async () => {
      const { registry, resolver, reports } = setup();
      await registry.register(instance('a', ['http://127.0.0.1:8000', 'grpc://127.0.0.1:9000']));
      await registry.register(
        instance('b', ['https://127.0.0.1:8443', 'grpc://127.0.0.1:9001', 'GRPC://127.0.0.1:9000/']),
      );
      await registry.register(instance('c', ['grpcs://127.0.0.1:9443', 'grpc://[::1]:9002']));

      resolver.updateResolution();
      await settle();

      expect(reports).toEqual([
        {
          addresses: ['127.0.0.1:9000', '127.0.0.1:9001', '[::1]:9002'],
          serviceConfig: ROUND_ROBIN,
          note: '',
        },
      ]);
    });

    it('gives grpc-js IPv6 hosts without their brackets', async () => {
      const { registry, scheme } = setup();
      await registry.register(instance('a', ['grpc://[::1]:9002']));
      const endpoints: experimental.Endpoint[][] = [];
      const resolver = experimental.createResolver(
        { scheme, authority: '', path: 'greeter' },
        (result) => {
          if (result.ok) endpoints.push(result.value);
          return true;
        },
        {},
      );

      resolver.updateResolution();
      await settle();

      expect(endpoints).toEqual([[{ addresses: [{ host: '::1', port: 9002 }] }]]);
    });

    it('with secure, resolves the grpcs:// endpoints only', async () => {
      const { registry, resolver, reports } = setup({ options: { secure: true } });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000', 'grpcs://127.0.0.1:9443']));

      resolver.updateResolution();
      await settle();

      expect(reports.map((report) => report.addresses)).toEqual([['127.0.0.1:9443']]);
    });

    it('applies the filters', async () => {
      const { registry, resolver, reports } = setup({ options: { filters: [version('2.0.0')] } });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000'], { version: '1.0.0' }));
      await registry.register(instance('b', ['grpc://127.0.0.1:9001'], { version: '2.0.0' }));

      resolver.updateResolution();
      await settle();

      expect(reports.map((report) => report.addresses)).toEqual([['127.0.0.1:9001']]);
    });

    it('follows every change of the list, but not changes the channel cannot see (metadata, version)', async () => {
      const { registry, resolver, reports } = setup();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();

      await registry.register(
        instance('a', ['grpc://127.0.0.1:9000'], { version: '1.0.1', metadata: { x: 'y' } }),
      );
      await settle();
      await registry.register(instance('b', ['grpc://127.0.0.1:9001']));
      await settle();
      await registry.deregister(instance('a', []));
      await settle();

      expect(reports.map((report) => report.addresses)).toEqual([
        ['127.0.0.1:9000'],
        ['127.0.0.1:9000', '127.0.0.1:9001'],
        ['127.0.0.1:9001'],
      ]);
    });

    it('never calls the listener synchronously with updateResolution(), as grpc-js requires', async () => {
      const { registry, resolver, reports } = setup();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      expect(reports).toHaveLength(0);

      await settle();
      expect(reports).toHaveLength(1);
    });
  });

  describe('service config', () => {
    it('carries round_robin when the channel has no grpc.service_config of its own', async () => {
      const { registry, resolver, reports } = setup();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      await settle();

      expect(reports[0]?.serviceConfig).toEqual(ROUND_ROBIN);
    });

    it.each([
      ['a grpc.service_config of its own', CHANNEL_CONFIG],
      ['grpc.service_config_disable_resolution', { 'grpc.service_config_disable_resolution': 1 }],
    ])("carries none (the channel's applies) when the channel has %s", async (_, channelOptions) => {
      const { registry, resolver, reports } = setup({ channelOptions });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      await settle();

      expect(reports).toEqual([{ addresses: ['127.0.0.1:9000'], serviceConfig: null, note: '' }]);
    });
  });

  describe('retry (grpc-js retryPolicy on UNAVAILABLE)', () => {
    const RETRY_POLICY = {
      maxAttempts: 4,
      initialBackoff: '0.05s',
      maxBackoff: '1.5s',
      backoffMultiplier: 3,
      retryableStatusCodes: ['UNAVAILABLE'],
    };

    it('sends the listed methods with their retryPolicy beside round_robin, durations in seconds', async () => {
      const { registry, resolver, reports, logger } = setup({
        options: {
          retry: {
            methods: [
              { service: 'greeter.v1.Greeter', method: 'SayHello' },
              { service: 'billing.v2.Billing' },
            ],
            maxAttempts: 4,
            initialBackoff: 50,
            maxBackoff: 1_500,
            backoffMultiplier: 3,
          },
        },
      });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      await settle();

      expect(reports[0]?.serviceConfig).toEqual({
        loadBalancingConfig: [{ round_robin: {} }],
        methodConfig: [
          {
            name: [{ service: 'greeter.v1.Greeter', method: 'SayHello' }, { service: 'billing.v2.Billing' }],
            retryPolicy: RETRY_POLICY,
          },
        ],
      });
      expect(logger.messages('warn')).toEqual([]);
    });

    it('applies the defaults: 3 attempts, 100 ms then up to 1 s of backoff, multiplier 2', async () => {
      const { registry, resolver, reports } = setup({
        options: { retry: { methods: [{ service: 'greeter.v1.Greeter' }] } },
      });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      await settle();

      expect(reports[0]?.serviceConfig?.methodConfig).toEqual([
        {
          name: [{ service: 'greeter.v1.Greeter' }],
          retryPolicy: {
            maxAttempts: 3,
            initialBackoff: '0.1s',
            maxBackoff: '1s',
            backoffMultiplier: 2,
            retryableStatusCodes: ['UNAVAILABLE'],
          },
        },
      ]);
    });

    it('keeps the policy in the reports that fail the calls, and after an empty list', async () => {
      const { registry, resolver, reports, time } = setup({
        options: { retry: { methods: [{ service: 'greeter.v1.Greeter' }] } },
      });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();
      await registry.deregister(instance('a', []));
      time.advanceTo(1_000);
      await settle();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      await settle();

      expect(reports).toHaveLength(4);
      for (const report of reports) {
        expect(report.serviceConfig?.methodConfig?.[0]?.name).toEqual([{ service: 'greeter.v1.Greeter' }]);
      }
    });

    it('is not applied to a channel with its own grpc.service_config, which keeps it; a warning says so, once', async () => {
      const { registry, resolver, reports, logger } = setup({
        channelOptions: CHANNEL_CONFIG,
        options: { retry: { methods: [{ service: 'greeter.v1.Greeter' }] } },
      });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();
      await registry.register(instance('b', ['grpc://127.0.0.1:9001']));
      await settle();

      expect(reports.map((report) => report.serviceConfig)).toEqual([null, null]);
      expect(logger.messages('warn')).toEqual([
        'gRPC resolver of "greeter": the retry option of registerDiscoveryResolver is not applied to this channel, which has its own grpc.service_config; put the retryPolicy in the channel\'s grpc.service_config instead',
      ]);
    });

    it('follows a new registration: registering again without retry drops the policy', async () => {
      const { registry, resolver, reports, scheme, time } = setup({
        options: { retry: { methods: [{ service: 'greeter.v1.Greeter' }] } },
      });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();
      const next = new InMemoryRegistry();
      await next.register(instance('b', ['grpc://127.0.0.1:9001']));
      registerDiscoveryResolver(next, { scheme, scheduler: time.scheduler });
      await settle();

      expect(reports.map((report) => report.serviceConfig?.methodConfig)).toEqual([
        [expect.objectContaining({ name: [{ service: 'greeter.v1.Greeter' }] })],
        [],
      ]);
    });
  });

  describe('first resolution and empty lists', () => {
    it('reports nothing until the registry lists an instance (calls wait in grpc-js meanwhile)', async () => {
      const { registry, resolver, reports, time } = setup();

      resolver.updateResolution();
      await settle();
      time.advanceTo(999);
      await settle();
      expect(reports).toEqual([]);

      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      await settle();
      expect(reports.map((report) => report.addresses)).toEqual([['127.0.0.1:9000']]);
    });

    it('fails with UNAVAILABLE "no instances of greeter" once nothing was listed for emptyGrace', async () => {
      const { resolver, reports, time } = setup();

      resolver.updateResolution();
      time.advanceTo(1_000);
      await settle();

      expect(reports).toEqual([
        {
          error: { code: status.UNAVAILABLE, details: 'no instances of greeter' },
          serviceConfig: ROUND_ROBIN,
          note: 'no instances of greeter',
        },
      ]);
    });

    it('keeps the addresses through an empty list shorter than emptyGrace', async () => {
      const { registry, resolver, reports, time } = setup({ options: { emptyGrace: 500 } });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();

      await registry.deregister(instance('a', []));
      time.advanceTo(499);
      await registry.register(instance('b', ['grpc://127.0.0.1:9001']));
      time.advanceTo(2_000);
      await settle();

      expect(reports.map((report) => report.addresses)).toEqual([['127.0.0.1:9000'], ['127.0.0.1:9001']]);
    });

    it('withdraws the addresses, then fails, once the list stayed empty for emptyGrace; the next instance heals it', async () => {
      const { registry, resolver, reports, time } = setup();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();

      await registry.deregister(instance('a', []));
      time.advanceTo(999);
      await settle();
      expect(reports).toHaveLength(1);

      time.advanceTo(1_000);
      await settle();
      // The empty list first: the policies ignore an error while they hold addresses.
      expect(reports.slice(1)).toEqual([
        { addresses: [], serviceConfig: ROUND_ROBIN, note: 'no instances of greeter' },
        {
          error: { code: status.UNAVAILABLE, details: 'no instances of greeter' },
          serviceConfig: ROUND_ROBIN,
          note: 'no instances of greeter',
        },
      ]);

      await registry.register(instance('b', ['grpc://127.0.0.1:9001']));
      await settle();
      expect(reports.slice(3)).toEqual([
        { addresses: ['127.0.0.1:9001'], serviceConfig: ROUND_ROBIN, note: '' },
      ]);
    });

    it("fails through round_robin even when the channel has its own config (pick_first would keep its connection), and gives the channel's back", async () => {
      const { registry, resolver, reports, time } = setup({ channelOptions: CHANNEL_CONFIG });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();

      await registry.deregister(instance('a', []));
      time.advanceTo(1_000);
      await settle();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      await settle();

      expect(reports.map((report) => report.serviceConfig)).toEqual([null, ROUND_ROBIN, ROUND_ROBIN, null]);
      expect(reports.map((report) => report.addresses ?? report.error?.details)).toEqual([
        ['127.0.0.1:9000'],
        [],
        'no instances of greeter',
        ['127.0.0.1:9000'],
      ]);
    });

    it('names the service in the status', async () => {
      const { resolver, reports, time } = setup({ target: { authority: '', path: 'billing.v2' } });

      resolver.updateResolution();
      time.advanceTo(1_000);
      await settle();

      expect(reports.map((report) => report.error?.details)).toEqual(['no instances of billing.v2']);
    });
  });

  describe('restarts (grpc-js destroys the resolver of an idle channel, and starts it again)', () => {
    it('destroy() ends the watch; nothing is reported until updateResolution(), which watches again and reports the list anew', async () => {
      const discovery = new CountingDiscovery();
      const { resolver, reports } = setup({ discovery });
      const inner = discovery.registry;
      await inner.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();
      expect(discovery.active).toBe(1);

      resolver.destroy();
      expect(discovery.active).toBe(0);
      await inner.register(instance('b', ['grpc://127.0.0.1:9001']));
      await settle();
      expect(reports).toHaveLength(1);

      resolver.updateResolution();
      await settle();
      expect(discovery.active).toBe(1);
      expect(reports.map((report) => report.addresses)).toEqual([
        ['127.0.0.1:9000'],
        ['127.0.0.1:9000', '127.0.0.1:9001'],
      ]);

      // The same list as before the restart is reported too: grpc-js rebuilt its policy from nothing.
      resolver.destroy();
      resolver.updateResolution();
      await settle();
      expect(reports).toHaveLength(3);
      expect(reports[2]?.addresses).toEqual(['127.0.0.1:9000', '127.0.0.1:9001']);
      resolver.destroy();
      expect(discovery.active).toBe(0);
    });

    it('destroy() drops a result not delivered yet', async () => {
      const { registry, resolver, reports } = setup();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      resolver.destroy();
      await settle();

      expect(reports).toEqual([]);
    });

    it('destroy() cancels the grace timer', async () => {
      const { resolver, reports, time } = setup();

      resolver.updateResolution();
      resolver.destroy();
      time.advanceTo(5_000);
      await settle();

      expect(reports).toEqual([]);
      expect(time.scheduler.actions).toHaveLength(0);
    });

    it('updateResolution() while watching opens no second watch and reports nothing again', async () => {
      const discovery = new CountingDiscovery();
      const { resolver, reports } = setup({ discovery });
      const inner = discovery.registry;
      await inner.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      await settle();
      resolver.updateResolution();
      resolver.updateResolution();
      await settle();

      expect(discovery.opened).toBe(1);
      expect(reports).toHaveLength(1);
      resolver.destroy();
    });
  });

  describe('registering again', () => {
    it('switches open resolvers of the scheme to the new discovery, keeping the addresses until it lists some', async () => {
      const { scheme, registry, resolver, reports, time } = setup();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      resolver.updateResolution();
      await settle();

      const next = new CountingDiscovery();
      registerDiscoveryResolver(next, { scheme, scheduler: time.scheduler });
      await settle();
      expect(reports).toHaveLength(1);
      expect(next.active).toBe(1);

      await next.registry.register(instance('b', ['grpc://127.0.0.1:9001']));
      await settle();
      expect(reports.map((report) => report.addresses)).toEqual([['127.0.0.1:9000'], ['127.0.0.1:9001']]);

      // The old discovery is no longer followed.
      await registry.register(instance('c', ['grpc://127.0.0.1:9002']));
      await settle();
      expect(reports).toHaveLength(2);
      resolver.destroy();
      expect(next.active).toBe(0);
    });
  });

  describe('logs', () => {
    it('logs every resolution at debug level, naming the service', async () => {
      const { registry, resolver, logger, time } = setup();
      resolver.updateResolution();
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));
      await settle();
      await registry.deregister(instance('a', []));
      time.advanceTo(1_000);
      await settle();
      resolver.destroy();

      const mine = logger.records.filter((line) => line.msg.startsWith('gRPC resolver'));
      expect(mine.map((line) => line.msg)).toEqual([
        'gRPC resolver of "greeter": watching the registry (calls wait for the first instances, bounded by their deadline)',
        'gRPC resolver of "greeter": 1 address [127.0.0.1:9000], balanced by round_robin',
        'gRPC resolver of "greeter": no instances for 1000 ms: calls fail with UNAVAILABLE "no instances of greeter"',
        'gRPC resolver of "greeter": stopped watching (the channel went idle or closed)',
      ]);
      expect(mine.every((line) => line.level === 'debug')).toBe(true);
      expect(
        mine.every((line) => (line.fields as { service?: string } | undefined)?.service === 'greeter'),
      ).toBe(true);
    });

    it('builds no debug message when the logger says debug is off', async () => {
      const logger = recordingLogger();
      const quiet = Object.assign(logger, { isLevelEnabled: (level: string) => level !== 'debug' });
      const { registry, resolver } = setup({ options: { logger: quiet } });
      await registry.register(instance('a', ['grpc://127.0.0.1:9000']));

      resolver.updateResolution();
      await settle();
      resolver.destroy();

      expect(logger.messages('debug')).toEqual([]);
    });
  });

  describe('invalid targets', () => {
    it.each([
      ['discovery://ns/greeter', { authority: 'ns', path: 'greeter' }, 'it has an authority ("ns")'],
      ['discovery:greeter', { path: 'greeter' }, 'it needs three slashes'],
      ['discovery:///', { path: '///' }, 'it names no service'],
      [
        'discovery:///greeter/v1',
        { authority: '', path: 'greeter/v1' },
        '"greeter/v1" is not a service name',
      ],
    ])('%s fails with UNAVAILABLE naming the target', async (written, target, why) => {
      const { scheme, resolver, reports, time, logger } = setup({ target });

      resolver.updateResolution();
      time.advanceTo(5_000);
      await settle();

      const shown = written.replace('discovery', scheme);
      expect(reports).toHaveLength(1);
      expect(reports[0]?.error?.code).toBe(status.UNAVAILABLE);
      expect(reports[0]?.error?.details).toContain(`Invalid target "${shown}": ${why}`);
      expect(reports[0]?.error?.details).toContain(`Use "${scheme}:///<service name>"`);
      expect(logger.messages('warn')).toHaveLength(1);
    });
  });
});
