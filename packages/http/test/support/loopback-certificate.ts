import { generate } from 'selfsigned';

/** A self-signed EC certificate for 127.0.0.1 (also its subjectAltName), and its key, in PEM. */
export interface LoopbackCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Makes a fresh self-signed certificate for `https://127.0.0.1` (the cert is its own CA). */
export async function loopbackCertificate(): Promise<LoopbackCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}
