import { describe, expect, it } from '@jest/globals';
import { checkEndpoints, isLoopbackHost } from '../src/check-endpoints.js';
import { ephemeralPortRange } from '../src/ephemeral-ports.js';
import { TestingErrorCode } from '../src/index.js';

const linux = { low: 32768, high: 60999, source: 'test' };

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'api.localhost', '[::1]', '::1', '[::ffff:7f00:1]'])(
    'accepts %s',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(['10.0.0.5', '0.0.0.0', '[::]', '192.168.1.2', 'example.com', '[2001:db8::1]', '128.0.0.1'])(
    'refuses %s',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('checkEndpoints', () => {
  it('passes loopback endpoints on OS-chosen ports, portless fakes and unix sockets', () => {
    expect(
      checkEndpoints(
        'svc',
        ['http://127.0.0.1:40001', 'grpc://[::1]:60999', 'fake://127.0.0.1/a', 'unix:///tmp/s.sock'],
        linux,
        false,
      ),
    ).toBeUndefined();
  });

  it('refuses a remote host first, listing every offending endpoint', () => {
    const error = checkEndpoints('svc', ['http://10.0.0.5:40001', 'grpc://127.0.0.1:9000'], linux, false);
    expect(error?.code).toBe(TestingErrorCode.NotLoopback);
    expect(error?.message).toContain('Test app "svc" was stopped');
    expect(error?.message).toContain('http://10.0.0.5:40001 (host 10.0.0.5 is not a loopback address)');
    expect(error?.message).toContain('grpc://127.0.0.1:9000 (port 9000 is outside');
  });

  it("refuses a fixed port (a scheme's default port too), unless allowed", () => {
    expect(checkEndpoints('svc', ['http://127.0.0.1:8000'], linux, false)?.code).toBe(
      TestingErrorCode.FixedPort,
    );
    expect(checkEndpoints('svc', ['http://localhost'], linux, false)?.message).toContain(
      'port 80 is outside',
    );
    expect(checkEndpoints('svc', ['http://127.0.0.1:8000'], linux, true)).toBeUndefined();
    expect(checkEndpoints('svc', ['http://10.0.0.5:8000'], linux, true)?.code).toBe(
      TestingErrorCode.NotLoopback,
    );
  });
});

describe('ephemeralPortRange', () => {
  it("reads Linux's range from /proc", () => {
    const range = ephemeralPortRange('linux', () => '32768\t60999\n');
    expect(range).toEqual({ low: 32768, high: 60999, source: '/proc/sys/net/ipv4/ip_local_port_range' });
  });

  it('falls back to the IANA range on macOS and Windows, and to every unprivileged port when unknown', () => {
    expect(ephemeralPortRange('darwin')).toMatchObject({ low: 49152, high: 65535 });
    expect(ephemeralPortRange('win32')).toMatchObject({ low: 49152, high: 65535 });
    const unreadable = (): string => {
      throw new Error('EACCES');
    };
    expect(ephemeralPortRange('linux', unreadable)).toMatchObject({ low: 1024, high: 65535 });
    expect(ephemeralPortRange('freebsd')).toMatchObject({ low: 1024, high: 65535 });
  });

  it('contains the ports this machine chooses for port 0', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const range = ephemeralPortRange();
    expect(port).toBeGreaterThanOrEqual(range.low);
    expect(port).toBeLessThanOrEqual(range.high);
  });
});
