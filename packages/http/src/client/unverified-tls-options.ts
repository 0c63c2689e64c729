import { type ConnectionOptions, type PeerCertificate } from 'node:tls';

// A certificate for another host: any real identity check refuses it for `PROBE_HOST`.
const PROBE_HOST = 'kratos-ts-probe.invalid';
const PROBE_CERTIFICATE = {
  subject: { CN: 'another-host.invalid' },
  subjectaltname: 'DNS:another-host.invalid',
} as unknown as PeerCertificate;

/**
 * The names of the `tls` options that turn certificate verification off, as a warning names them:
 * `tls.rejectUnauthorized: false` (any certificate is accepted), and a `tls.checkServerIdentity`
 * that accepts a certificate issued for another host (tried once, here, on a made-up certificate:
 * a real check returns an error for it, a no-op returns nothing). Empty when verification is on.
 */
export function unverifiedTlsOptions(tls: ConnectionOptions): readonly string[] {
  const off: string[] = [];
  if (tls.rejectUnauthorized === false) off.push('tls.rejectUnauthorized: false');
  const check: unknown = tls.checkServerIdentity;
  if (typeof check === 'function') {
    let accepted: boolean;
    try {
      accepted =
        (check as NonNullable<ConnectionOptions['checkServerIdentity']>)(PROBE_HOST, PROBE_CERTIFICATE) ===
        undefined;
    } catch {
      // Throwing refuses the certificate too.
      accepted = false;
    }
    if (accepted) off.push('tls.checkServerIdentity (it accepts a certificate issued for another host)');
  }
  return off;
}
