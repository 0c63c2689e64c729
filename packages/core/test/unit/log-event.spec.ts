import { describe, expect, it } from '@jest/globals';
import { recordingLogger } from '@kratos-ts/testing';
import { logEvent } from '../../src/kernel/log-event.js';
import { KratosError, KratosErrorCode } from '../../src/index.js';

describe('logEvent', () => {
  it("a failed step's record carries its coded error's code, so logs can be grepped by code", () => {
    const logger = recordingLogger();
    const timeout = new KratosError(KratosErrorCode.DeregisterTimeout, 'registrar "etcd" did not deregister');
    const failed = new KratosError(KratosErrorCode.HookFailed, 'hook failed');
    logEvent(logger, {
      type: 'deregister',
      registrar: 'etcd',
      status: 'timeout',
      durationMs: 5,
      error: timeout,
    });
    logEvent(logger, {
      type: 'hook',
      phase: 'beforeStop',
      hook: 'flush',
      status: 'failed',
      durationMs: 1,
      error: failed,
    });
    expect(logger.records.map(({ level, fields }) => ({ level, fields }))).toEqual([
      {
        level: 'warn',
        fields: {
          step: 'deregister',
          status: 'timeout',
          durationMs: 5,
          err: timeout,
          code: 'KRATOS_DEREGISTER_TIMEOUT',
        },
      },
      {
        level: 'error',
        fields: { step: 'hook', status: 'failed', durationMs: 1, err: failed, code: 'KRATOS_HOOK_FAILED' },
      },
    ]);
  });

  it('an uncoded error adds no code field', () => {
    const logger = recordingLogger();
    const error = new Error('plain');
    logEvent(logger, { type: 'server-stop', server: 'api', status: 'failed', durationMs: 2, error });
    expect(logger.records[0]?.fields).toEqual({
      step: 'server-stop',
      status: 'failed',
      durationMs: 2,
      err: error,
    });
  });
});
