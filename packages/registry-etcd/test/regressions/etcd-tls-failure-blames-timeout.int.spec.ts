import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { isKratosError } from '@kratos-ts/core';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { freePort, startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';

// Defect, against a real etcd: a TLS failure (a plaintext etcd called over https, an etcd whose
// certificate the given CA did not sign) was KRATOS_ETCD_QUERY_FAILED / UNAVAILABLE "… raise
// requestTimeout", not naming TLS.

let etcd: EtcdProcess;
let tlsEtcd: { url: string; child: ChildProcess; dir: string } | undefined;
let ca: Buffer;

beforeAll(async () => {
  etcd = await startEtcd();
  const pems = await generate([{ name: 'commonName', value: 'kratos-ts test CA' }], {
    keyType: 'ec',
    curve: 'P-256',
  });
  ca = Buffer.from(pems.cert);
  tlsEtcd = await startTlsEtcd();
}, 30_000);

afterAll(async () => {
  await etcd?.dispose();
  if (tlsEtcd) {
    const { child, dir } = tlsEtcd;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An etcd serving its clients over TLS, with its own self-signed certificate for 127.0.0.1. */
async function startTlsEtcd(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const own = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'kratos-etcd-tls-'));
  writeFileSync(join(dir, 'server.crt'), own.cert);
  writeFileSync(join(dir, 'server.key'), own.private);
  const url = `https://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const child = spawn(
    'etcd',
    [
      '--name',
      'tls',
      '--data-dir',
      join(dir, 'data'),
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `tls=${peer}`,
      '--cert-file',
      join(dir, 'server.crt'),
      '--key-file',
      join(dir, 'server.key'),
      '--log-level',
      'error',
    ],
    { stdio: 'ignore' },
  );
  for (let tries = 0; tries < 150; tries += 1) {
    const healthy = await new Promise<boolean>((resolve) => {
      const req = request(`${url}/health`, { ca: own.cert, timeout: 1_000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (healthy) return { url, child, dir };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the TLS etcd at ${url} did not become healthy`);
}

async function queryError(registry: EtcdRegistry): Promise<unknown> {
  try {
    await registry.getService('greeter');
  } catch (error) {
    return error;
  } finally {
    await registry.close();
  }
  return undefined;
}

describe('an etcd TLS failure against a real etcd', () => {
  it('is KRATOS_ETCD_TLS_FAILED naming the TLS cause and the host, with no advice about timeouts', async () => {
    const hosts = etcd.url.replace('http://', 'https://');
    const registry = new EtcdRegistry({ hosts, credentials: { rootCertificate: ca }, requestTimeout: 2_000 });
    let caught: unknown;
    try {
      await registry.getService('greeter');
    } catch (error) {
      caught = error;
    } finally {
      await registry.close();
    }
    expect(isKratosError(caught) && caught.code).toBe(EtcdErrorCode.Tls);
    const message = (caught as Error).message;
    expect(message).toContain('TLS handshake failed');
    expect(message).toContain(hosts);
    expect(message).not.toMatch(/timeout/i);
  }, 20_000);

  it("names the TLS cause when the CA given did not sign etcd's certificate", async () => {
    const hosts = tlsEtcd?.url ?? '';
    const caught = await queryError(
      new EtcdRegistry({ hosts, credentials: { rootCertificate: ca }, requestTimeout: 2_000 }),
    );
    expect(isKratosError(caught) && caught.code).toBe(EtcdErrorCode.Tls);
    const message = (caught as Error).message;
    expect(message).toContain('TLS handshake failed');
    expect(message).toContain(hosts);
    expect(message).not.toMatch(/timeout/i);
  }, 20_000);
});
