import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  KRATOS_OPTIONS,
  REGISTRAR,
  SERVER,
  kratosModule,
  type ServiceInstance,
  type TransportServer,
} from '@kratos-ts/core';
import { recordingLogger, startTestApp } from '@kratos-ts/testing';
import { Container } from 'inversify';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { getKey } from '../support/etcd-http.js';

// Issue 17: a replacement started while etcd was down exited 1 within ~0.1 s
// (KRATOS_REGISTER_FAILED … ECONNREFUSED): keepRegistered's `shouldRetry: () => registered` let the
// first attempt's error through, so a rolling restart could never finish during an etcd blip.
const instance = (id: string): ServiceInstance => ({
  id,
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let etcd: EtcdProcess;
const registries: EtcdRegistry[] = [];
beforeAll(async () => {
  etcd = await startEtcd();
});
let stopped = false;
const stopEtcd = async (): Promise<void> => {
  await etcd.stop();
  stopped = true;
};
const startEtcdAgain = async (): Promise<void> => {
  await etcd.start();
  stopped = false;
};
afterEach(async () => {
  if (stopped) await startEtcdAgain();
  await Promise.all(registries.splice(0).map((registry) => registry.close()));
});
afterAll(async () => {
  await etcd?.dispose();
});

describe('Issue 17 defect: the first registration is never retried', () => {
  it('a registration started while etcd is stopped succeeds once etcd is back within the deadline', async () => {
    const logger = recordingLogger();
    const registry = new EtcdRegistry({ hosts: [etcd.url], ttl: 2, requestTimeout: 500, logger });
    registries.push(registry);
    await stopEtcd();
    const started = Date.now();
    const registered = registry.register(instance('waits'), AbortSignal.timeout(15_000));
    await sleep(1_500);
    await startEtcdAgain();
    await registered;
    process.stdout.write(
      `[measured] a registration started with etcd down registered ${Date.now() - started} ms later (etcd back after ~1500 ms + its start)\n`,
    );
    expect(await getKey(etcd.url, '/microservices/greeter/waits')).toBeDefined();
    expect(
      logger.messages('warn').some((m) => m.startsWith('Registering "/microservices/greeter/waits" failed')),
    ).toBe(true);
  });

  it('past the deadline, register fails with a coded error naming the last cause, after retrying', async () => {
    const logger = recordingLogger();
    const registry = new EtcdRegistry({ hosts: [etcd.url], ttl: 2, requestTimeout: 500, logger });
    registries.push(registry);
    await stopEtcd();
    const deadline = 1_500;
    const started = Date.now();
    const error = await registry.register(instance('gives-up'), AbortSignal.timeout(deadline)).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; cause?: unknown },
    );
    const took = Date.now() - started;
    // It kept trying until the signal aborted, not one attempt then out.
    expect(took).toBeGreaterThanOrEqual(deadline - 50);
    expect(error?.code).toBe(EtcdErrorCode.Unavailable);
    expect(error?.message).toContain(etcd.url);
    expect(error?.message).toContain('/microservices/greeter/gives-up');
    expect(error?.message).toMatch(/after \d+ failed attempt\(s\)/);
    expect(error?.message).toMatch(/UNAVAILABLE|ECONNREFUSED|No connection/i);
    expect(logger.messages('warn').length).toBeGreaterThan(1);
    await startEtcdAgain();
    await sleep(300);
    // Nothing was left registered, nor is a retry still running.
    expect(await getKey(etcd.url, '/microservices/greeter/gives-up')).toBeUndefined();
  });

  it('an app (a replacement in a roll) started while etcd is stopped starts and is registered once etcd is back', async () => {
    const registry = new EtcdRegistry({ hosts: [etcd.url], ttl: 2, requestTimeout: 500 });
    registries.push(registry);
    const calls: string[] = [];
    const server: TransportServer = {
      name: 'trivial',
      start: async () => void calls.push('start'),
      stop: async () => void calls.push('stop'),
    };
    const container = new Container();
    container
      .bind(KRATOS_OPTIONS)
      .toConstantValue({ id: 'replacement', name: 'greeter', version: 'v1', registrarTimeout: 15_000 });
    container.bind(SERVER).toConstantValue(server);
    container.bind(REGISTRAR).toConstantValue(registry);
    container.load(kratosModule);
    await stopEtcd();
    const starting = startTestApp(container);
    await sleep(1_500);
    await startEtcdAgain();
    const app = await starting;
    try {
      expect(calls).toEqual(['start']);
      expect(await getKey(etcd.url, '/microservices/greeter/replacement')).toBeDefined();
    } finally {
      await app.stop();
    }
  });
});
