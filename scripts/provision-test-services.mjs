// The first step of `npm test`: makes sure the services the test suites start for real are
// installed. Missing ones are installed from their Debian packages when this runs as root with
// apt-get (a fresh CI machine); otherwise it fails at once with the exact install line, never a
// skipped suite. Plain JavaScript, so it runs on bare Node before anything is built.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @typedef {object} TestService
 * @property {string} command The executable the tests spawn, looked up on PATH.
 * @property {string} debianPackage The Debian/Ubuntu package that installs it.
 * @property {string} neededBy Which suites start it, for the message.
 * @property {string} elsewhere Where to get it without apt-get.
 */

/**
 * The services the suites need, one line each: add a line for a new one.
 * @type {readonly TestService[]}
 */
export const TEST_SERVICES = [
  {
    command: 'etcd',
    debianPackage: 'etcd-server',
    neededBy: 'the registry-etcd and bench fleet integration tests',
    elsewhere: 'an etcd 3.4+ binary from https://github.com/etcd-io/etcd/releases on PATH',
  },
  {
    command: 'etcdctl',
    debianPackage: 'etcd-client',
    neededBy: 'the registry-etcd tests that act as an operator (etcdctl del)',
    elsewhere: 'the etcdctl binary of the same etcd release on PATH',
  },
  {
    command: 'nats-server',
    debianPackage: 'nats-server',
    neededBy: 'the NATS JetStream consumer tests (packages/bench/src/brokers/nats-process.ts)',
    elsewhere: 'a nats-server 2.9+ binary from https://github.com/nats-io/nats-server/releases on PATH',
  },
  {
    command: 'rabbitmq-server',
    debianPackage: 'rabbitmq-server',
    neededBy: 'the RabbitMQ consumer tests (packages/bench/src/brokers/rabbit-process.ts)',
    elsewhere:
      'RabbitMQ 3.10+ (https://www.rabbitmq.com/docs/download) with rabbitmq-server and rabbitmqctl on PATH',
  },
  {
    command: 'prometheus',
    debianPackage: 'prometheus',
    neededBy: 'the Prometheus scrape tests (packages/bench/src/brokers/prometheus-process.ts)',
    elsewhere: 'a prometheus 2.x binary from https://prometheus.io/download/ on PATH',
  },
];

/**
 * Where a command is looked for: PATH, then the sbin directories. Debian puts nats-server and
 * rabbitmq-server in /usr/sbin, which is on root's PATH but often not on a developer's.
 * @param {string} pathVariable
 * @returns {string[]}
 */
export function commandDirs(pathVariable) {
  const dirs = pathVariable.split(delimiter).filter((dir) => dir !== '');
  for (const sbin of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(sbin)) dirs.push(sbin);
  return dirs;
}

/**
 * Whether `command` is an executable in one of `dirs`.
 * @param {string} command
 * @param {readonly string[]} dirs
 */
export function isExecutableIn(command, dirs) {
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * @typedef {object} Probes
 * @property {(command: string) => boolean} has Whether `command` is an executable on PATH (or in /usr/sbin, /usr/local/sbin, /sbin).
 * @property {boolean} isRoot Whether this process runs as root.
 */

/**
 * @typedef {{ action: 'ready' }
 *   | { action: 'install', missing: readonly TestService[], commands: readonly (readonly string[])[] }
 *   | { action: 'refuse', missing: readonly TestService[], message: string }} Plan
 */

/** @param {readonly string[]} packages */
export function aptInstallArgs(packages) {
  return ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];
}

/**
 * What to do about the services, decided from the probes alone (no side effect).
 * @param {readonly TestService[]} services
 * @param {Probes} probes
 * @returns {Plan}
 */
export function planProvisioning(services, { has, isRoot }) {
  const missing = services.filter((service) => !has(service.command));
  if (missing.length === 0) return { action: 'ready' };
  const packages = missing.map((service) => service.debianPackage);
  const hasApt = has('apt-get');
  if (isRoot && hasApt) {
    return { action: 'install', missing, commands: [['apt-get', 'update'], aptInstallArgs(packages)] };
  }
  const what = missing.map((service) => `${service.command} (for ${service.neededBy})`).join(', ');
  const why = hasApt ? 'not running as root' : 'no apt-get here';
  const how = hasApt
    ? `Install ${missing.length === 1 ? 'it' : 'them'}, then run npm test again:\n  sudo apt-get update && sudo ${aptInstallArgs(packages).join(' ')}`
    : `Install ${missing.length === 1 ? 'it' : 'them'}, then run npm test again. On Debian/Ubuntu:\n  ${aptInstallArgs(packages).join(' ')}\nElsewhere: ${missing.map((service) => `${service.command}: ${service.elsewhere}`).join('; ')}.`;
  return {
    action: 'refuse',
    missing,
    message: `The test suites need ${what}, not found on PATH, and cannot install it (${why}). ${how}`,
  };
}

/**
 * Carries out the plan: nothing, or apt-get update then one apt-get install, checked afterwards.
 * Throws an Error with the message to print when a service is missing and stays missing.
 * @param {readonly TestService[]} services
 * @param {Probes} probes
 * @param {(args: readonly string[]) => number | null} run Runs a command, returns its exit code.
 * @param {(line: string) => void} log
 */
export function provisionTestServices(services, probes, run, log) {
  const plan = planProvisioning(services, probes);
  if (plan.action === 'ready') return;
  if (plan.action === 'refuse') throw new Error(plan.message);
  log(
    `npm test: installing ${plan.missing.map((service) => service.debianPackage).join(', ')} for the test suites`,
  );
  for (const args of plan.commands) {
    const code = run(args);
    if (code !== 0) {
      const command = args.join(' ');
      throw new Error(
        `\`${command}\` failed (exit code ${code}): npm test needs it for the services its suites start.`,
      );
    }
  }
  const still = plan.missing.filter((service) => !probes.has(service.command));
  if (still.length > 0) {
    const list = still.map((service) => `${service.command} (${service.debianPackage})`).join(', ');
    throw new Error(
      `After apt-get install, still not on PATH: ${list}. Check what the package installed (dpkg -L).`,
    );
  }
}

/** @param {string} command */
function onPath(command) {
  return isExecutableIn(command, commandDirs(process.env.PATH ?? ''));
}

/** @param {readonly string[]} args */
function runInherited(args) {
  const [command = '', ...rest] = args;
  const result = spawnSync(command, rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.error ? -1 : result.status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    provisionTestServices(
      TEST_SERVICES,
      { has: onPath, isRoot: process.getuid?.() === 0 },
      runInherited,
      (line) => console.log(line),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
