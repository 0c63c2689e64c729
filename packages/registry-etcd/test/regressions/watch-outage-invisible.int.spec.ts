import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordingLogger } from '@kratos-ts/testing';
import { filter, firstValueFrom } from 'rxjs';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { EtcdRegistry } from '../../src/index.js';
import { waitFor } from '../support/etcd-http.js';

// Defect: a watch cut from etcd was logged at debug only. Against a real etcd that goes away for
// longer than outageWarnAfter and comes back: one warning naming the endpoint and the service,
// then one recovery line. (The threshold logic itself is pinned in virtual time in
// watch-outage-invisible.spec.ts.)

let etcd: EtcdProcess;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.dispose();
});

describe('a watch whose etcd stops for longer than outageWarnAfter, then comes back', () => {
  it('warns once naming the etcd endpoint and the service, and logs the recovery once', async () => {
    const logger = recordingLogger();
    const registry = new EtcdRegistry({ hosts: [etcd.url], ttl: 5, outageWarnAfter: 1_000, logger });
    try {
      await registry.register({ id: 'o-1', name: 'outage', version: 'v1', metadata: {}, endpoints: [] });
      const subscription = registry.watch('outage').subscribe();
      await firstValueFrom(registry.watch('outage').pipe(filter((list) => list.length === 1)));
      await etcd.stop();
      const warned = (): string[] =>
        logger.messages('warn').filter((message) => message.startsWith('The etcd watch of service'));
      await waitFor(async () => warned().length > 0, 10_000, 'the outage warning');
      await etcd.start();
      const recovered = (): string[] =>
        logger.messages('info').filter((message) => message.startsWith('The etcd watch of service'));
      await waitFor(async () => recovered().length > 0, 15_000, 'the recovery line');
      subscription.unsubscribe();
      expect(warned()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^The etcd watch of service "outage" has been cut from etcd \\(${etcd.url}\\) for \\d+ ms`,
          ),
        ),
      ]);
      expect(recovered()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^The etcd watch of service "outage" is back on etcd \\(${etcd.url}\\) after \\d+ ms cut$`,
          ),
        ),
      ]);
    } finally {
      await registry.close();
    }
  }, 40_000);
});
