import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandDirs, findCommand, requireCommand } from '../../src/brokers/find-command.js';

describe('finding the brokers’ commands', () => {
  it('looks on PATH, then in the sbin directories where Debian puts nats-server and rabbitmq-server', () => {
    expect(commandDirs('/home/dev/bin:/usr/bin')).toEqual([
      '/home/dev/bin',
      '/usr/bin',
      '/usr/local/sbin',
      '/usr/sbin',
      '/sbin',
    ]);
    expect(commandDirs('/usr/sbin:/usr/bin')).toEqual(['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/sbin']);
  });

  it('returns the first executable of that name, skipping a file without the execute bit', () => {
    const first = mkdtempSync(join(tmpdir(), 'kratos-find-'));
    const second = mkdtempSync(join(tmpdir(), 'kratos-find-'));
    try {
      writeFileSync(join(first, 'broker'), 'not a program', { mode: 0o644 });
      writeFileSync(join(second, 'broker'), '#!/bin/sh\n', { mode: 0o755 });

      expect(findCommand('broker', [first, second])).toBe(join(second, 'broker'));
      expect(findCommand('absent', [first, second])).toBeUndefined();
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  });

  it('a missing command is an error naming it and its Debian package, never a skip', () => {
    expect(() => requireCommand('no-such-broker-xyz', 'no-such-package', 'the broker tests')).toThrow(
      'no-such-broker-xyz not found on PATH nor in /usr/sbin: the broker tests need it. Install it with `apt-get install -y no-such-package`',
    );
  });
});
