import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect } from 'amqplib';
import { freePort } from '../fleet/etcd-process.js';
import { findCommand, requireCommand } from './find-command.js';
import { untilStopped } from './until-stopped.js';

/**
 * One RabbitMQ node (3.10) this test run started, on free loopback ports with a temp base dir,
 * and its own epmd. Connect as `guest` (the URL carries no credentials; amqplib's default is
 * guest/guest, allowed from loopback by `loopback_users = none`).
 */
export interface RabbitProcess {
  /** `amqp://127.0.0.1:PORT`, the client URL (user guest). */
  readonly url: string;
  /** The AMQP port. */
  readonly port: number;
  /** The Erlang node name, `kratos-rabbit-…@localhost` (what `rabbitmqctl -n` takes; on beam's command line). */
  readonly nodeName: string;
  /** The epmd port of this node (its own epmd, on 127.0.0.1). */
  readonly epmdPort: number;
  /** The temp dir holding the node's data, logs and config; removed by `dispose()`. */
  readonly baseDir: string;
  /** The pid of the rabbitmq-server script while it runs: the leader of the broker's session. */
  readonly pid: number | undefined;
  /** Stops the node (`rabbitmqctl -n NODE stop`) and waits for it to exit; keeps the data. */
  stop(): Promise<void>;
  /** Kills the node (SIGKILL to every process of its session: no goodbye to its clients); keeps the data. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data, and waits until an AMQP connect succeeds. */
  start(): Promise<void>;
  /**
   * Stops the node and its epmd, and removes the base dir: nothing left running or on disk (also
   * done, by SIGKILL, if the test process exits first).
   */
  dispose(): Promise<void>;
  /**
   * Freezes the node (SIGSTOP to every process of its session): its sockets stay open and nothing
   * answers, as a stalled host. Resolves once every thread of them is stopped.
   */
  freeze(): Promise<void>;
  /** Resumes it after `freeze()` (SIGCONT to every process of its session). */
  resume(): void;
}

const NEEDED_BY = 'the RabbitMQ integration tests';

/** The unprivileged user the broker runs as when the tests run as root (as Debian's wrapper does). */
function brokerUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined; // a developer runs it as themselves
  const id = (flag: string): number => {
    const result = spawnSync('id', [flag, 'rabbitmq'], { encoding: 'utf8' });
    const value = Number(result.stdout.trim());
    if (result.status !== 0 || !Number.isInteger(value))
      throw new Error(
        'No user `rabbitmq` here: the Debian package rabbitmq-server creates it. Install it with `apt-get install -y rabbitmq-server`.',
      );
    return value;
  };
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts a RabbitMQ node on free loopback ports (AMQP, distribution, epmd) with a fresh temp base
 * dir, as the developers' guide says: per instance RABBITMQ_NODENAME, RABBITMQ_NODE_IP_ADDRESS,
 * RABBITMQ_NODE_PORT, RABBITMQ_DIST_PORT, RABBITMQ_MNESIA_BASE, RABBITMQ_LOG_BASE,
 * RABBITMQ_FEATURE_FLAGS_FILE, RABBITMQ_CONFIG_FILE, RABBITMQ_ENABLED_PLUGINS_FILE, ERL_EPMD_ADDRESS
 * and ERL_EPMD_PORT. Resolves once an amqplib connect succeeds (5–7 s on an idle machine).
 */
export async function startRabbit(): Promise<RabbitProcess> {
  // Debian's /usr/sbin/rabbitmq-server is a wrapper that `su`s to rabbitmq and hides the broker's
  // pid; the script it runs sits beside it. Spawned directly (as rabbitmq when we are root), the
  // broker is our child and its session ours to kill.
  const wrapper = requireCommand('rabbitmq-server', 'rabbitmq-server', NEEDED_BY);
  const scripts = dirname(realpathSync(wrapper));
  const server = join(scripts, 'rabbitmq-server');
  const ctl = join(scripts, 'rabbitmqctl');
  const epmd = findCommand('epmd') ?? 'epmd';
  const user = brokerUser();
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];

  const baseDir = mkdtempSync(join(tmpdir(), 'kratos-rabbit-'));
  const nodeName = `kratos-rabbit-${port}@localhost`;
  const home = join(baseDir, 'home'); // its own Erlang cookie, shared by the node and rabbitmqctl
  const config = join(baseDir, 'rabbitmq.conf');
  const plugins = join(baseDir, 'enabled_plugins');
  for (const dir of [home, join(baseDir, 'mnesia'), join(baseDir, 'log')]) mkdirSync(dir);
  writeFileSync(config, `listeners.tcp.default = 127.0.0.1:${port}\nloopback_users = none\n`);
  writeFileSync(plugins, '[].\n');
  if (user)
    for (const path of [baseDir, home, join(baseDir, 'mnesia'), join(baseDir, 'log'), config, plugins])
      chownSync(path, user.uid, user.gid);

  // Only what the scripts need: no NODE_OPTIONS or the like of the test process.
  const loopbackOnly = '-kernel inet_dist_use_interface {127,0,0,1}';
  const env: NodeJS.ProcessEnv = {
    PATH: `${dirname(epmd)}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(baseDir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(baseDir, 'log'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(baseDir, 'feature_flags'),
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    // The distribution listener (the node's and rabbitmqctl's) on loopback too. The node name on
    // beam's command line (an init argument nothing reads) lets `pgrep -f NODE` find it.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: `${loopbackOnly} -kratos_test_node ${nodeName}`,
    RABBITMQ_CTL_ERL_ARGS: loopbackOnly,
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: String(epmdPort),
  };
  const asBroker = { env, cwd: baseDir, ...(user ?? {}) };

  let child: ChildProcess | undefined;
  let output = '';

  const runCtl = (
    args: readonly string[],
    timeoutMs: number,
  ): Promise<{ code: number | null; output: string }> =>
    new Promise((resolve) => {
      const run = spawn(ctl, ['-n', nodeName, ...args], { ...asBroker, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      run.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      run.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const timer = setTimeout(() => run.kill('SIGKILL'), timeoutMs);
      run.once('error', (error) => {
        clearTimeout(timer);
        resolve({ code: -1, output: String(error) });
      });
      run.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output: text });
      });
    });

  const start = async (): Promise<void> => {
    if (child) return;
    output = '';
    // Its own session (detached), so kill() finds the script, beam and their port programs at once.
    const started = spawn(server, [], { ...asBroker, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-6000));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    try {
      await waitConnectable(`amqp://127.0.0.1:${port}`, started, () => `${output}${logTail(baseDir)}`);
    } catch (error) {
      await killSession(started);
      child = undefined;
      throw error;
    }
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await killSession(running);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (!running) return;
    if (hasExited(running)) {
      // The script is gone (killed from outside?): beam may not be.
      child = undefined;
      await killSession(running);
      return;
    }
    const exited = exitOf(running);
    const result = await runCtl(['stop'], 30_000);
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000).unref()),
    ]);
    child = undefined;
    await killSession(running); // stopped: what outlived beam (a port program), if anything
    if (!stopped) {
      throw new Error(
        `rabbitmqctl -n ${nodeName} stop did not stop the node within 15 s (exit ${result.code}: ${result.output.trim()}); it was killed.`,
      );
    }
  };

  const stopEpmd = async (): Promise<void> => {
    // epmd refuses -kill while a node is registered: the node is down by now.
    spawnSync(epmd, ['-port', String(epmdPort), '-kill'], { env, stdio: 'ignore', timeout: 5_000 });
  };

  // The node runs in a session of its own, so it would outlive a test process that dies or forgets
  // dispose(): on exit, kill it, its epmd and its files (synchronously, all 'exit' allows).
  /** Sends `signal` to every process of the node's session; their pids. */
  const signalSession = (signal: 'SIGSTOP' | 'SIGCONT'): number[] => {
    const leader = child?.pid;
    if (leader === undefined) throw new Error(`RabbitMQ is not running: no session to ${signal}`);
    const members = sessionMembers(leader);
    for (const pid of members) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
    return members;
  };

  const onExit = (): void => {
    if (child?.pid !== undefined) for (const pid of [child.pid, ...sessionMembers(child.pid)]) tryKill(pid);
    spawnSync(epmd, ['-port', String(epmdPort), '-kill'], { env, stdio: 'ignore', timeout: 2_000 });
    rmSync(baseDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  try {
    await start();
  } catch (error) {
    process.off('exit', onExit);
    await stopEpmd();
    rmSync(baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `amqp://127.0.0.1:${port}`,
    port,
    nodeName,
    epmdPort,
    baseDir,
    get pid() {
      return child?.pid;
    },
    start,
    stop,
    kill,
    freeze: async () => {
      await untilStopped(signalSession('SIGSTOP'));
    },
    resume: () => {
      signalSession('SIGCONT');
    },
    dispose: async () => {
      try {
        await stop();
      } finally {
        await kill(); // whatever stop() left
        await stopEpmd();
        rmSync(baseDir, { recursive: true, force: true });
        process.off('exit', onExit);
      }
    },
  };
}

/** The end of the node's log files, for an error at start (RabbitMQ logs there, not to stdout). */
function logTail(baseDir: string): string {
  try {
    const dir = join(baseDir, 'log');
    const logs = readdirSync(dir).filter((name) => name.endsWith('.log'));
    return logs.map((name) => `\n${name}: ${readFileSync(join(dir, name), 'utf8').slice(-3000)}`).join('');
  } catch {
    return '';
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exitOf(child: ChildProcess): Promise<void> {
  return hasExited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * SIGKILL to every process of the broker's session (the script, beam, erl_child_setup, inet_gethost,
 * the disk monitor: some of them in process groups of their own), then waits for the leader. The
 * session is the one `detached` opened; epmd left it (`-daemon`) and is stopped apart.
 */
async function killSession(child: ChildProcess): Promise<void> {
  const exited = exitOf(child);
  if (child.pid !== undefined) {
    // The leader's pid only while it lives: once reaped, the number may be someone else's.
    const leader = hasExited(child) ? [] : [child.pid];
    for (const pid of [...leader, ...sessionMembers(child.pid)]) tryKill(pid);
  }
  await exited;
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** The pids of session `sid` (`pgrep -s`). */
function sessionMembers(sid: number): number[] {
  const result = spawnSync('pgrep', ['-s', String(sid)], { encoding: 'utf8' });
  return (result.stdout ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

async function waitConnectable(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (hasExited(child))
      throw new Error(`rabbitmq-server exited (${child.exitCode ?? child.signalCode}) at start: ${output()}`);
    try {
      const connection = await connect(url, { timeout: 1_000 });
      await connection.close();
      return;
    } catch {
      // not accepting AMQP yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`RabbitMQ at ${url} did not accept an AMQP connection within 60 s: ${output()}`);
}
