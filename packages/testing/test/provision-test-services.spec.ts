// The first step of `npm test` (scripts/provision-test-services.mjs), driven with injected probes
// and a recording runner: nothing is installed or uninstalled on this machine.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface TestService {
  readonly command: string;
  readonly debianPackage: string;
  readonly neededBy: string;
  readonly elsewhere: string;
}
interface Probes {
  readonly has: (command: string) => boolean;
  readonly isRoot: boolean;
}
type Plan =
  | { readonly action: 'ready' }
  | {
      readonly action: 'install';
      readonly missing: readonly TestService[];
      readonly commands: readonly string[][];
    }
  | { readonly action: 'refuse'; readonly missing: readonly TestService[]; readonly message: string };
interface ProvisionScript {
  readonly TEST_SERVICES: readonly TestService[];
  commandDirs(pathVariable: string): string[];
  isExecutableIn(command: string, dirs: readonly string[]): boolean;
  planProvisioning(services: readonly TestService[], probes: Probes): Plan;
  provisionTestServices(
    services: readonly TestService[],
    probes: Probes,
    run: (args: readonly string[]) => number | null,
    log: (line: string) => void,
  ): void;
}

// A plain .mjs outside any package (it runs before the build): imported by URL, typed here.
const script = fileURLToPath(new URL('../../../scripts/provision-test-services.mjs', import.meta.url));
const { TEST_SERVICES, commandDirs, isExecutableIn, planProvisioning, provisionTestServices } = (await import(
  script
)) as ProvisionScript;

const etcd: TestService = {
  command: 'etcd',
  debianPackage: 'etcd-server',
  neededBy: 'the etcd tests',
  elsewhere: 'an etcd binary on PATH',
};
const nats: TestService = {
  command: 'nats-server',
  debianPackage: 'nats-server',
  neededBy: 'the broker tests',
  elsewhere: 'a nats-server binary on PATH',
};

/** A PATH holding `installed`, which `run` adds to as apt-get would. */
function machine(installed: string[], isRoot: boolean) {
  const onPath = new Set(installed);
  const runs: string[][] = [];
  return {
    probes: { has: (command: string) => onPath.has(command), isRoot },
    runs,
    run: (args: readonly string[]): number => {
      runs.push([...args]);
      if (args[1] !== 'install') return 0;
      for (const name of args.slice(4)) {
        const service = [etcd, nats].find((known) => known.debianPackage === name);
        if (service) onPath.add(service.command);
      }
      return 0;
    },
  };
}

describe('the services npm test provisions', () => {
  it('lists etcd, etcdctl, the brokers nats-server and rabbitmq-server, and prometheus, each from its Debian package', () => {
    expect(TEST_SERVICES.map(({ command, debianPackage }) => ({ command, debianPackage }))).toEqual([
      { command: 'etcd', debianPackage: 'etcd-server' },
      { command: 'etcdctl', debianPackage: 'etcd-client' },
      { command: 'nats-server', debianPackage: 'nats-server' },
      { command: 'rabbitmq-server', debianPackage: 'rabbitmq-server' },
      { command: 'prometheus', debianPackage: 'prometheus' },
    ]);
  });

  it('looks in /usr/sbin too, where Debian puts nats-server and rabbitmq-server, off a user PATH', () => {
    expect(commandDirs('/home/dev/bin:/usr/bin:/bin')).toEqual([
      '/home/dev/bin',
      '/usr/bin',
      '/bin',
      '/usr/local/sbin',
      '/usr/sbin',
      '/sbin',
    ]);
    // Already on PATH (root's): kept once, in PATH's order.
    expect(commandDirs('/usr/sbin:/usr/bin')).toEqual(['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/sbin']);
  });

  it('the probe finds an executable in a listed directory, and neither a missing nor a non-executable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kratos-probe-'));
    try {
      writeFileSync(join(dir, 'broker'), '#!/bin/sh\n', { mode: 0o755 });
      writeFileSync(join(dir, 'notes'), 'text', { mode: 0o644 });

      expect(isExecutableIn('broker', ['/nonexistent', dir])).toBe(true);
      expect(isExecutableIn('broker', ['/nonexistent'])).toBe(false);
      expect(isExecutableIn('absent', [dir])).toBe(false);
      expect(isExecutableIn('notes', [dir])).toBe(false); // no execute bit: not even root runs it
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does nothing when every service is on PATH, even as root', () => {
    const { probes, runs, run } = machine(['etcd', 'apt-get'], true);

    expect(planProvisioning([etcd], probes)).toEqual({ action: 'ready' });
    provisionTestServices([etcd], probes, run, () => undefined);
    expect(runs).toEqual([]);
  });

  it('as root with apt-get: apt-get update once, then one non-interactive install of every missing package', () => {
    const { probes, runs, run } = machine(['apt-get'], true);
    const logged: string[] = [];

    provisionTestServices([etcd, nats], probes, run, (line) => logged.push(line));

    expect(runs).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'etcd-server', 'nats-server'],
    ]);
    expect(logged.join('\n')).toContain('installing etcd-server, nats-server');
  });

  it('installs only what is missing', () => {
    const { probes, runs, run } = machine(['apt-get', 'etcd'], true);

    provisionTestServices([etcd, nats], probes, run, () => undefined);

    expect(runs.at(-1)).toEqual(['apt-get', 'install', '-y', '--no-install-recommends', 'nats-server']);
  });

  it('not root: fails at once with the exact install line, running nothing', () => {
    const { probes, runs, run } = machine(['apt-get'], false);

    expect(() => provisionTestServices([etcd], probes, run, () => undefined)).toThrow(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends etcd-server',
    );
    const plan = planProvisioning([etcd], probes);
    expect(plan.action).toBe('refuse');
    expect(plan.action === 'refuse' && plan.message).toContain(
      'etcd (for the etcd tests), not found on PATH',
    );
    expect(plan.action === 'refuse' && plan.message).toContain('not running as root');
    expect(runs).toEqual([]);
  });

  it('root without apt-get: fails at once, with the Debian line and where to get it elsewhere', () => {
    const { probes, runs, run } = machine([], true);

    const plan = planProvisioning([etcd], probes);

    expect(plan.action).toBe('refuse');
    const message = plan.action === 'refuse' ? plan.message : '';
    expect(message).toContain('no apt-get here');
    expect(message).toContain('apt-get install -y --no-install-recommends etcd-server');
    expect(message).toContain('etcd: an etcd binary on PATH');
    expect(() => provisionTestServices([etcd], probes, run, () => undefined)).toThrow(message);
    expect(runs).toEqual([]);
  });

  it('fails, naming the command, when apt-get fails or the package does not put the service on PATH', () => {
    const failing = machine(['apt-get'], true);
    expect(() =>
      provisionTestServices(
        [etcd],
        failing.probes,
        (args) => (args[1] === 'update' ? 100 : 0),
        () => undefined,
      ),
    ).toThrow('`apt-get update` failed (exit code 100)');

    const hollow = machine(['apt-get'], true);
    expect(() =>
      provisionTestServices(
        [etcd],
        hollow.probes,
        () => 0,
        () => undefined,
      ),
    ).toThrow('After apt-get install, still not on PATH: etcd (etcd-server)');
  });
});
