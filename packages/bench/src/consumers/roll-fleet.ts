/**
 * A process of a consumer fleet as `rollFleet` drives it: `ExampleInstance` (../fleet) for the
 * example greeter, `ConsumerProcess` for the NestJS anchor.
 */
export interface FleetProcess {
  /** When it was signalled and when it exited, in ms on the run's clock (`undefined`: not yet). */
  readonly timeline: { readonly signalled?: number; readonly exited?: number };
  /** Resolves once it consumes; rejects if it exits first or takes too long. */
  ready(): Promise<void>;
  /** Sends `signal` and resolves with its exit code (`null`: it ended by a signal). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL if it still runs (clean-up). */
  kill(): void;
  /** Resolves once it exited. */
  readonly exited: Promise<unknown>;
}

/** How a rolling replacement went: the new fleet and how each old process exited. */
export interface RollOutcome {
  /** The processes running now, in the order they replaced the old ones. */
  readonly fleet: FleetProcess[];
  /** Each old process's exit code (`null`: ended by a signal). */
  readonly exits: readonly (number | null)[];
  /** From the first new spawn to the last old exit, ms. */
  readonly durationMs: number;
  /** From each SIGTERM to that process's exit, ms. */
  readonly stopMs: readonly number[];
}

/**
 * Replaces every process of `fleet` in turn, as a rolling deployment does: start a new one (made
 * by `spawnOne`), wait until it consumes, SIGTERM the old one, wait for its exit.
 */
export async function rollFleet(
  fleet: readonly FleetProcess[],
  spawnOne: () => FleetProcess,
): Promise<RollOutcome> {
  const startedAt = Date.now();
  const next: FleetProcess[] = [];
  const exits: (number | null)[] = [];
  const stopMs: number[] = [];
  for (const old of fleet) {
    const fresh = spawnOne();
    next.push(fresh);
    await fresh.ready();
    exits.push(await old.stop('SIGTERM'));
    stopMs.push((old.timeline.exited ?? Number.NaN) - (old.timeline.signalled ?? Number.NaN));
  }
  return { fleet: next, exits, durationMs: Date.now() - startedAt, stopMs };
}

/** Starts `size` processes made by `spawnOne` and waits until all consume. */
export async function startFleet(size: number, spawnOne: () => FleetProcess): Promise<FleetProcess[]> {
  const fleet = Array.from({ length: size }, spawnOne);
  try {
    await Promise.all(fleet.map((process) => process.ready()));
  } catch (error) {
    fleet.forEach((process) => process.kill());
    throw error;
  }
  return fleet;
}
