import { describe, expect, it } from '@jest/globals';
import { GRPCUnavailableError } from 'etcd3';
import { EtcdErrorCode } from '../../src/index.js';
import { queryFailure, registerFailure } from '../../src/etcd-failure.js';

// Defect: an etcd TLS failure (wrong CA, a plaintext etcd called over https…) was reported as
// "etcd … did not answer … raise requestTimeout", advice that cannot help.
const context = { hosts: 'https://127.0.0.1:2379', key: '/microservices/a/1' };
// What grpc-js reports (as UNAVAILABLE) when the TLS handshake with etcd fails.
const tlsFailures = [
  'No connection established. Last error: Error: self-signed certificate in certificate chain',
  'No connection established. Last error: Error: unable to verify the first certificate',
  'No connection established. Last error: Error: 0010B2F8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
  "No connection established. Last error: Error: Hostname/IP does not match certificate's altnames",
];

describe('an etcd TLS failure', () => {
  it('names the TLS cause and gives no advice about timeouts', () => {
    for (const detail of tlsFailures) {
      for (const error of [
        registerFailure(new GRPCUnavailableError(detail), context),
        queryFailure(new GRPCUnavailableError(detail), context),
      ]) {
        expect(error.code).toBe(EtcdErrorCode.Tls);
        expect(error.message).toContain('TLS');
        expect(error.message).toContain('https://127.0.0.1:2379');
        expect(error.message).toContain('credentials');
        expect(error.message).not.toMatch(/timeout/i);
      }
    }
  });

  it('leaves a plain outage to KRATOS_ETCD_UNAVAILABLE', () => {
    const error = registerFailure(
      new GRPCUnavailableError('No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379'),
      context,
    );
    expect(error.code).toBe(EtcdErrorCode.Unavailable);
  });
});
