import { describe, expect, it } from '@jest/globals';
import { channelTarget } from '../../src/telemetry/channel-target.js';

describe('channelTarget (server.address of a client span)', () => {
  it.each([
    ['discovery:///greeter', { address: 'greeter' }],
    ['dns:///greeter.internal:9000', { address: 'greeter.internal', port: 9000 }],
    ['dns:localhost:9000', { address: 'localhost', port: 9000 }],
    ['localhost:9000', { address: 'localhost', port: 9000 }],
    ['127.0.0.1:9000', { address: '127.0.0.1', port: 9000 }],
    ['[::1]:9000', { address: '::1', port: 9000 }],
    ['ipv4:10.0.0.5:9000,10.0.0.6:9000', { address: '10.0.0.5', port: 9000 }],
    ['unix:/run/greeter.sock', { address: '/run/greeter.sock' }],
    ['greeter', { address: 'greeter' }],
  ])('reads %s', (target, expected) => {
    expect(channelTarget(target)).toEqual(expected);
  });
});
