import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { EtcdRegistry } from '../../src/index.js';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';

/** What `useEtcdSuite` gives a spec file. */
export interface EtcdSuite {
  /** The etcd this file started (available from `beforeAll` on). */
  readonly etcd: () => EtcdProcess;
  /** A registry on that etcd, closed after the test, even a failed one. */
  readonly newRegistry: (namespace?: string) => EtcdRegistry;
}

/**
 * Starts one real etcd for the spec file (removed afterwards) and closes every registry a test
 * made. Call at the top level of a spec file.
 */
export function useEtcdSuite(ttl: number): EtcdSuite {
  let etcd: EtcdProcess | undefined;
  const registries: EtcdRegistry[] = [];
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((registry) => registry.close()));
  });
  afterAll(async () => {
    await etcd?.dispose();
  });
  const started = (): EtcdProcess => {
    if (!etcd) throw new Error('etcd is not started yet: use it inside a test or a beforeEach');
    return etcd;
  };
  return {
    etcd: started,
    newRegistry: (namespace = '/microservices') => {
      const registry = new EtcdRegistry({ hosts: [started().url], ttl, namespace });
      registries.push(registry);
      return registry;
    },
  };
}
