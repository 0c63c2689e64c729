import { describe, expect, it } from '@jest/globals';
import { isKratosError } from '@kratos-ts/core';
import { GRPCUnavailableError } from 'etcd3';
import { EtcdErrorCode, EtcdRegistry } from '../../src/index.js';
import { deregisterFailure, queryFailure, registerFailure } from '../../src/etcd-failure.js';

// Defect: `http://user:pw@host:2379` passed validation (the `auth` option is the place for a
// password) and the password was printed in KRATOS_ETCD_UNAVAILABLE, REGISTER_FAILED and query errors.
const SECRET = 'hunter2-etcd-host';

function refusal(hosts: string | string[]): { code: string; text: string } {
  try {
    new EtcdRegistry({ hosts });
  } catch (error) {
    if (!isKratosError(error)) throw error;
    const errors = error.errors.map((each) => (each instanceof Error ? each.message : String(each)));
    return { code: error.code, text: [error.message, ...errors].join('\n') };
  }
  throw new Error(`hosts ${String(hosts)} were accepted`);
}

describe('a password in an etcd host URL', () => {
  it('is refused with a coded error that says to use auth, without echoing the password', () => {
    for (const hosts of [
      `http://root:${SECRET}@127.0.0.1:2379`,
      [`http://127.0.0.1:2379`, `https://${SECRET}@10.0.0.7:2379`],
    ]) {
      const { code, text } = refusal(hosts);
      expect(code).toBe(EtcdErrorCode.InvalidOptions);
      expect(text).toContain('auth: { username, password }');
      expect(text).toMatch(/https?:\/\/\*\*\*@(127.0.0.1|10.0.0.7):2379/);
      expect(text).not.toContain(SECRET);
    }
  });

  it('never reaches an error message, even from hosts the validation did not see', () => {
    const context = { hosts: `http://root:${SECRET}@127.0.0.1:2379`, key: '/microservices/a/1' };
    const unavailable = new GRPCUnavailableError('14 UNAVAILABLE: No connection established');
    const messages = [
      registerFailure(unavailable, context).message,
      registerFailure(new Error('etcdserver: permission denied'), context).message,
      queryFailure(unavailable, context).message,
      deregisterFailure(unavailable, context, 15).message,
    ];
    for (const message of messages) {
      expect(message).toContain('http://***@127.0.0.1:2379');
      expect(message).not.toContain(SECRET);
    }
  });
});
