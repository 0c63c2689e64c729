import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { describeError } from './describe.js';

/** What is wrong with a server's TLS material, as `tlsMaterialProblem` finds it. */
export interface TlsMaterialProblem {
  /** The option at fault: `key`, `cert`, `ca`, or `key and cert` when they are no pair. */
  readonly part: 'key' | 'cert' | 'ca' | 'key and cert';
  /** What is wrong with it, and OpenSSL's own words. */
  readonly detail: string;
  /** What OpenSSL threw, when it threw. */
  readonly cause?: unknown;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Finds which part of a server's TLS material is unusable: a `key` OpenSSL cannot read (or cannot
 * decrypt with `passphrase`), a `cert` that is no certificate, a `ca` holding something that is no
 * certificate (Node accepts that silently, and then refuses every client certificate), or a key and
 * certificate that are no pair. `undefined` when the material is usable. It never throws, and no
 * part of the material (a key!) is ever echoed in `detail`.
 *
 * @example
 * const problem = tlsMaterialProblem({ key, cert, ca });
 * if (problem) throw new KratosError(code, `HTTP server "api": its tls.${problem.part} ${problem.detail}`);
 */
export function tlsMaterialProblem(options: SecureContextOptions): TlsMaterialProblem | undefined {
  const { key, cert, ca, passphrase, pfx } = options;
  // A pfx bundles the key and the certificate: OpenSSL's own error is all we can say.
  if (pfx !== undefined) return tried('key and cert', () => createSecureContext(options));
  if (ca !== undefined) {
    const problem = caProblem(ca);
    if (problem) return problem;
  }
  if (key !== undefined) {
    const problem = tried('key', () =>
      createSecureContext(passphrase === undefined ? { key } : { key, passphrase }),
    );
    if (problem) return problem;
  }
  if (cert !== undefined) {
    const problem = tried('cert', () => createSecureContext({ cert }));
    if (problem) return problem;
  }
  return tried('key and cert', () => createSecureContext(options));
}

function tried(part: TlsMaterialProblem['part'], attempt: () => unknown): TlsMaterialProblem | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    const why = describeError(error);
    const detail =
      part === 'key'
        ? `is not a private key OpenSSL can read (${why}): give the PEM private key (-----BEGIN PRIVATE KEY-----), and its passphrase if it is encrypted`
        : part === 'cert'
          ? `is not a certificate OpenSSL can read (${why}): give the PEM certificate chain (-----BEGIN CERTIFICATE-----), the server's own certificate first`
          : /mismatch/i.test(why)
            ? `do not belong together (${why}): the key is not the private key of the certificate; give the key the certificate was issued for`
            : `cannot be used together (${why}): check the key, the certificate and the passphrase`;
    return { part, detail, cause: error };
  }
}

// Node takes any bytes as a CA without a word; every peer certificate is then refused.
function caProblem(ca: NonNullable<SecureContextOptions['ca']>): TlsMaterialProblem | undefined {
  const entries = Array.isArray(ca) ? ca : [ca];
  for (const [index, entry] of entries.entries()) {
    const where = entries.length > 1 ? ` (entry ${index})` : '';
    const text = typeof entry === 'string' ? entry : Buffer.from(entry).toString('latin1');
    const blocks = text.match(PEM_CERTIFICATE) ?? [];
    try {
      if (blocks.length === 0) new X509Certificate(typeof entry === 'string' ? entry : Buffer.from(entry));
      for (const block of blocks) new X509Certificate(block);
    } catch (error) {
      return {
        part: 'ca',
        detail: `holds something that is not a certificate${where} (${describeError(error)}): give the PEM certificate(s) of the CA that signs the peers' certificates (-----BEGIN CERTIFICATE-----)`,
        cause: error,
      };
    }
  }
  return undefined;
}
