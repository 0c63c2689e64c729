import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../src/config.js';

describe('readConfig', () => {
  it.each([
    [{}, true],
    [{ NODE_ENV: 'development' }, true],
    [{ NODE_ENV: 'production' }, false],
    [{ NODE_ENV: 'production', GRPC_REFLECTION: 'on' }, true],
    [{ GRPC_REFLECTION: 'off' }, false],
  ])('serves gRPC reflection outside production only, unless GRPC_REFLECTION says: %j → %s', (env, on) => {
    expect(readConfig(env).grpcReflection).toBe(on);
  });

  it('refuses a GRPC_REFLECTION that is not on or off, naming it', () => {
    expect(() => readConfig({ GRPC_REFLECTION: 'yes' })).toThrow(
      'GRPC_REFLECTION=yes must be on or off (unset: on unless NODE_ENV=production)',
    );
  });

  it('bounds each closing step by CLOSE_TIMEOUT_MS, 5000 by default', () => {
    expect(readConfig({}).closeTimeout).toBe(5_000);
    expect(readConfig({ CLOSE_TIMEOUT_MS: '250' }).closeTimeout).toBe(250);
    expect(() => readConfig({ CLOSE_TIMEOUT_MS: '-1' })).toThrow(
      'CLOSE_TIMEOUT_MS=-1 must be a whole number >= 0',
    );
  });
});
