import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { freePort, requireEtcdBinary } from '../../../bench/src/fleet/etcd-process.js';

/** A PEM certificate and its private key. */
export interface Pems {
  readonly cert: string;
  readonly key: string;
}

/** A throwaway certificate authority: `issue` signs a certificate for a server or a client. */
export interface TestCa extends Pems {
  issue(commonName: string, usage: 'server' | 'client'): Promise<Pems>;
}

/** A new CA (EC P-256) that signs server certificates for 127.0.0.1 and client certificates. */
export async function testCa(name: string): Promise<TestCa> {
  const root = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return {
    cert: root.cert,
    key: root.private,
    issue: async (commonName, usage) => {
      const pems = await generate([{ name: 'commonName', value: commonName }], {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        ca: { key: root.private, cert: root.cert },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: usage === 'server', clientAuth: usage === 'client' },
          ...(usage === 'server'
            ? [{ name: 'subjectAltName' as const, altNames: [{ type: 7 as const, ip: '127.0.0.1' }] }]
            : []),
        ],
      });
      return { cert: pems.cert, key: pems.private };
    },
  };
}

/** An etcd serving its clients over TLS on loopback; `dispose()` kills it and removes its files. */
export interface TlsEtcd {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  dispose(): Promise<void>;
}

/** What `startTlsEtcd` takes. */
export interface TlsEtcdOptions {
  /** etcd's own certificate (for 127.0.0.1). */
  readonly server: Pems;
  /** The CA of `server`, to check health with. */
  readonly ca: string;
  /** Require client certificates signed by this CA (`--client-cert-auth`), and present `client` for health. */
  readonly clientCertAuth?: { readonly trustedCa: string; readonly client: Pems };
}

/** Starts an etcd on free loopback ports serving TLS, and waits until it is healthy. */
export async function startTlsEtcd(options: TlsEtcdOptions): Promise<TlsEtcd> {
  requireEtcdBinary();
  const dir = mkdtempSync(join(tmpdir(), 'kratos-etcd-tls-'));
  writeFileSync(join(dir, 'server.crt'), options.server.cert);
  writeFileSync(join(dir, 'server.key'), options.server.key);
  const url = `https://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const args = [
    ...['--name', 'tls', '--data-dir', join(dir, 'data')],
    ...['--listen-client-urls', url, '--advertise-client-urls', url],
    ...[
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `tls=${peer}`,
    ],
    ...['--cert-file', join(dir, 'server.crt'), '--key-file', join(dir, 'server.key')],
    ...['--log-level', 'error'],
  ];
  if (options.clientCertAuth) {
    writeFileSync(join(dir, 'clients-ca.crt'), options.clientCertAuth.trustedCa);
    args.push('--client-cert-auth', '--trusted-ca-file', join(dir, 'clients-ca.crt'));
  }
  const child = spawn('etcd', args, { stdio: 'ignore' });
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const client = options.clientCertAuth?.client;
  try {
    for (let tries = 0; tries < 150; tries += 1) {
      if (await healthy(url, options.ca, client, child)) return { url, dispose };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the TLS etcd at ${url} did not become healthy`);
  } catch (error) {
    await dispose(); // an etcd left running would keep the test run alive
    throw error;
  }
}

function healthy(url: string, ca: string, client: Pems | undefined, child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const tls = client ? { ca, cert: client.cert, key: client.key } : { ca };
    // No SNI: etcd is addressed by IP, which SNI does not allow.
    const req = request(`${url}/health`, { ...tls, servername: '', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
