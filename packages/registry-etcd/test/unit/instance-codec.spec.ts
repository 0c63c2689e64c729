import { describe, expect, it } from '@jest/globals';
import { decodeInstance, encodeInstance } from '../../src/instance-codec.js';
import { serviceKey, servicePrefix } from '../../src/service-key.js';

const instance = {
  id: 'a1',
  name: 'greeter',
  version: 'v1',
  metadata: { zone: 'eu' },
  endpoints: ['grpc://10.0.0.5:9000'],
};

describe('instance JSON, as Kratos marshals registry.ServiceInstance', () => {
  it('writes id, name, version, metadata, endpoints in that order', () => {
    expect(encodeInstance(instance)).toBe(
      '{"id":"a1","name":"greeter","version":"v1","metadata":{"zone":"eu"},"endpoints":["grpc://10.0.0.5:9000"]}',
    );
  });

  it('reads back what it writes', () => {
    expect(decodeInstance(encodeInstance(instance))).toEqual(instance);
  });

  it("reads Go's nil map and nil slice (null) as empty", () => {
    expect(
      decodeInstance('{"id":"x","name":"greeter","version":"","metadata":null,"endpoints":null}'),
    ).toEqual({
      id: 'x',
      name: 'greeter',
      version: '',
      metadata: {},
      endpoints: [],
    });
  });

  it('rejects values that are not instances rather than throwing', () => {
    for (const value of ['not json', '[]', 'null', '{"name":"greeter"}', '{"id":1,"name":"greeter"}']) {
      expect(decodeInstance(value)).toBeUndefined();
    }
  });
});

describe('key layout, as in Kratos', () => {
  it('stores an instance under {namespace}/{name}/{id}', () => {
    expect(serviceKey('/microservices', 'greeter', 'a1')).toBe('/microservices/greeter/a1');
  });

  it('lists a service under its name with a trailing slash, so greeter never matches greeter-admin', () => {
    const prefix = servicePrefix('/microservices', 'greeter');
    expect(prefix).toBe('/microservices/greeter/');
    expect(serviceKey('/microservices', 'greeter-admin', 'a1').startsWith(prefix)).toBe(false);
  });
});
