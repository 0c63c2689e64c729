import { createGreeterClients, type GreeterClients } from '@kratos-ts/example/greeter-clients';
import { EtcdRegistry } from '@kratos-ts/registry-etcd';
import { startEtcd, type EtcdProcess } from './etcd-process.js';
import { ExampleInstance } from './example-instance.js';

/** An etcd outage a rolling restart goes through. */
export interface EtcdOutage {
  /** etcd stops just before the replacement of the old instance of this index (0-based) starts. */
  readonly beforeInstance: number;
  /** How long etcd stays down; the replacement is started meanwhile and must wait for it. */
  readonly downMs: number;
  /** SIGKILL etcd instead of stopping it with SIGTERM. Default false. */
  readonly kill?: boolean;
}

/** What `Fleet.start` takes. */
export interface FleetOptions {
  /** How many example instances run at once. */
  readonly size: number;
  /** Environment of every instance (e.g. `DRAIN_DELAY_MS`, `ETCD_TTL`). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A real etcd on free loopback ports, `size` example instances registered in it, and the
 * project's HTTP and gRPC clients of the greeter following it through `discovery:///greeter`.
 * Everything it started ends with `close()`, even after a failure.
 */
export class Fleet {
  /** The `Date.now()` every timeline counts from. */
  readonly epoch = Date.now();
  /** The instances running now, oldest first. */
  readonly instances: ExampleInstance[] = [];
  /** Every instance this fleet started, in order. */
  readonly started: ExampleInstance[] = [];
  readonly #env: Readonly<Record<string, string>>;
  #etcd: EtcdProcess | undefined;
  #registry: EtcdRegistry | undefined;
  #clients: GreeterClients | undefined;

  private constructor(env: Readonly<Record<string, string>>) {
    this.#env = env;
  }

  /** Starts etcd and `size` instances, and resolves once every instance serves. */
  static async start(options: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(options.env ?? {});
    try {
      fleet.#etcd = await startEtcd();
      await Promise.all(Array.from({ length: options.size }, () => fleet.add()));
      return fleet;
    } catch (error) {
      await fleet.close();
      throw error;
    }
  }

  /** The etcd client URL. */
  get etcdUrl(): string {
    if (!this.#etcd) throw new Error('the fleet has no etcd: it was closed');
    return this.#etcd.url;
  }

  /** The fleet's etcd process (to stop, freeze or resume it). */
  get etcd(): EtcdProcess {
    if (!this.#etcd) throw new Error('the fleet has no etcd: it was closed');
    return this.#etcd;
  }

  /** Both greeter clients on `discovery:///greeter`, made on first use. */
  get clients(): GreeterClients {
    if (!this.#clients) {
      this.#registry = new EtcdRegistry({ hosts: [this.etcdUrl] });
      this.#clients = createGreeterClients({ discovery: this.#registry });
    }
    return this.#clients;
  }

  /** Starts one more instance and resolves once it is registered and running. */
  async add(): Promise<ExampleInstance> {
    const instance = new ExampleInstance(this.etcdUrl, this.epoch, this.#env);
    this.started.push(instance);
    await instance.serving();
    this.instances.push(instance);
    return instance;
  }

  /** Stops `instance` with `signal` and resolves with its exit code once it exited. */
  async remove(instance: ExampleInstance, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const index = this.instances.indexOf(instance);
    if (index >= 0) this.instances.splice(index, 1);
    return instance.stop(signal);
  }

  /**
   * Replaces every instance in turn, as a rolling update does: start a new one, wait until it is
   * registered and running, SIGTERM the old one, wait for its exit. With `etcdOutage`, etcd is
   * stopped (or killed) just before one replacement starts and started again (same data, same ports) `downMs`
   * later, so that replacement has to wait for the registry. Resolves with the old ones' exit codes.
   */
  async rollingRestart(options: { readonly etcdOutage?: EtcdOutage } = {}): Promise<(number | null)[]> {
    const codes: (number | null)[] = [];
    const outage = options.etcdOutage;
    for (const [index, old] of [...this.instances].entries()) {
      if (outage?.beforeInstance === index) {
        const etcd = this.#etcd;
        if (!etcd) throw new Error('the fleet has no etcd: it was closed');
        await (outage.kill === true ? etcd.kill() : etcd.stop());
        const back = new Promise((resolve) => setTimeout(resolve, outage.downMs)).then(() => etcd.start());
        await Promise.all([this.add(), back]);
      } else {
        await this.add();
      }
      codes.push(await this.remove(old));
    }
    return codes;
  }

  /** Closes the clients, kills what still runs and removes etcd and its data. */
  async close(): Promise<void> {
    await this.#clients?.close();
    await this.#registry?.close();
    for (const instance of this.started) instance.kill();
    await Promise.all(this.started.map((instance) => instance.exited));
    await this.#etcd?.dispose();
    this.#etcd = undefined;
  }
}
