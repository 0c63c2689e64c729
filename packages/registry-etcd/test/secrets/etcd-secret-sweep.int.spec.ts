import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import { generate } from 'selfsigned';
import {
  KRATOS_OPTIONS,
  LOGGER,
  REGISTRAR,
  SERVER,
  kratosModule,
  type TransportServer,
} from '@kratos-ts/core';
import { recordingLogger, startTestApp } from '@kratos-ts/testing';
import { Container } from 'inversify';
import { EtcdErrorCode, EtcdRegistry, type EtcdRegistryOptions } from '../../src/index.js';
import { freePort, startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';

// Secrets planted in every input of the etcd registry (a host URL's userinfo, auth's password, a
// TLS client key), then every message, cause, log line and `inspect` of the failure paths is swept
// for them: a real etcd with user/password auth, wrong and right credentials, etcd down.

const HOST_SECRET = 'host-pw-5ecr3t-a1';
const ROOT_SECRET = 'root-pw-5ecr3t-b2';
const WRONG_SECRET = 'wrong-pw-5ecr3t-c3';
let tlsKeyLine = '';
let tlsKey = '';
let tlsCert = '';
let etcd: EtcdProcess;

const instance = {
  id: 'sweep-1',
  name: 'greeter',
  version: 'v1',
  metadata: {},
  endpoints: ['http://127.0.0.1:8000'],
};

beforeAll(async () => {
  etcd = await startEtcd();
  const etcdctl = (...args: string[]): void =>
    void execFileSync('etcdctl', ['--endpoints', etcd.url, ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
  etcdctl('user', 'add', `root:${ROOT_SECRET}`);
  etcdctl('auth', 'enable');
  const pems = await generate([{ name: 'commonName', value: 'client' }], { keyType: 'ec', curve: 'P-256' });
  tlsKey = pems.private;
  tlsCert = pems.cert;
  tlsKeyLine = pems.private.split('\n')[1] ?? '';
}, 30_000);

afterAll(async () => {
  await etcd?.dispose();
});

/** Every text an error shows: message, code, inspect (stack, cause chain, errors), recursively. */
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

function sweep(texts: readonly string[]): void {
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    for (const secret of [HOST_SECRET, ROOT_SECRET, WRONG_SECRET, tlsKeyLine])
      expect(text).not.toContain(secret);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('it succeeded');
    },
    (error: unknown) => error,
  );
}

describe('secrets given to the etcd registry', () => {
  it('a password in a host URL: refused, never echoed', () => {
    let caught: unknown;
    try {
      new EtcdRegistry({
        hosts: [`http://root:${HOST_SECRET}@${etcd.url.slice('http://'.length)}`],
        auth: { username: 'root', password: ROOT_SECRET },
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string }).code).toBe(EtcdErrorCode.InvalidOptions);
    sweep(errorTexts(caught));
  });

  it('the right password works: register, list, deregister', async () => {
    const registry = new EtcdRegistry({
      hosts: etcd.url,
      auth: { username: 'root', password: ROOT_SECRET },
      ttl: 5,
    });
    try {
      await registry.register(instance, AbortSignal.timeout(10_000));
      expect((await registry.getService('greeter')).map((each) => each.id)).toEqual(['sweep-1']);
      await registry.deregister(instance, AbortSignal.timeout(10_000));
      sweep([inspect(registry, { depth: 10, showHidden: true })]);
    } finally {
      await registry.close();
    }
  }, 30_000);

  it('a wrong password, etcd down, a TLS client key: no secret in any error, log line or inspect', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const cases: EtcdRegistryOptions[] = [
      { hosts: etcd.url, auth: { username: 'root', password: WRONG_SECRET } },
      { hosts: down, auth: { username: 'root', password: ROOT_SECRET } },
      {
        hosts: etcd.url.replace('http://', 'https://'),
        credentials: {
          rootCertificate: Buffer.from(tlsCert),
          privateKey: Buffer.from(tlsKey),
          certChain: Buffer.from(tlsCert),
        },
        auth: { username: 'root', password: ROOT_SECRET },
      },
    ];
    const texts: string[] = [];
    for (const options of cases) {
      const logger = recordingLogger();
      const registry = new EtcdRegistry({ ...options, ttl: 5, requestTimeout: 1_000, logger });
      texts.push(inspect(registry, { depth: 10, showHidden: true }));
      texts.push(...errorTexts(await failure(registry.getService('greeter'))));
      texts.push(...errorTexts(await failure(registry.register(instance, AbortSignal.timeout(5_000)))));

      // The same registrar under the kernel: its error log lines and run()'s error.
      const kernelLogger = recordingLogger();
      const server: TransportServer = {
        name: 'trivial',
        start: async () => undefined,
        stop: async () => undefined,
      };
      const container = new Container();
      container
        .bind(KRATOS_OPTIONS)
        .toConstantValue({ name: 'greeter', version: 'v1', registrarTimeout: 5_000 });
      container.bind(LOGGER).toConstantValue(kernelLogger);
      container.bind(SERVER).toConstantValue(server);
      container.bind(REGISTRAR).toConstantValue(registry);
      container.load(kratosModule);
      texts.push(...errorTexts(await failure(startTestApp(container))));
      await registry.close();
      for (const record of [...logger.records, ...kernelLogger.records]) {
        texts.push(record.msg, inspect(record.fields, { depth: 10 }));
      }
      expect(kernelLogger.messages('error').length).toBeGreaterThan(0);
    }
    sweep(texts);
  }, 120_000);
});
