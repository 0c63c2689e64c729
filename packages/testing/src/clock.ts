import { asyncScheduler, type SchedulerLike } from 'rxjs';

/**
 * Where a double takes its time from and writes what happens to it: the scheduler its delays run
 * on (and whose `now()` stamps its records), and a timeline line sink. A virtual kernel connects the
 * doubles it runs to its own clock; unconnected doubles run in real time and record nowhere else.
 */
export interface Clock {
  readonly scheduler: SchedulerLike;
  /** Writes one line (`"<what>"`, stamped by the sink) to the timeline. */
  readonly record: (what: string) => void;
}

/** The clock of an unconnected double: real time, no timeline. */
export const realClock: Clock = Object.freeze({ scheduler: asyncScheduler, record: () => undefined });

/** The method a virtual kernel calls to connect a double to its clock. */
export const CONNECT: unique symbol = Symbol.for('@kratos-ts/testing/connect');

/** A double a virtual kernel can connect to its clock. */
export interface Connectable {
  [CONNECT](clock: Clock): void;
}

/** `true` when `value` is a double that can be connected to a clock. */
export function isConnectable(value: unknown): value is Connectable {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<Connectable>)[CONNECT] === 'function'
  );
}

/** Connects every double among `values` to `clock`; anything else is left alone. */
export function connectAll(values: Iterable<unknown>, clock: Clock): void {
  for (const value of values) if (isConnectable(value)) value[CONNECT](clock);
}

const kernelClocks = new WeakMap<object, Clock>();

/** @internal A virtual kernel registers its clock under its kernel, the view servers are handed. */
export function registerKernelClock(kernel: object, clock: Clock): void {
  kernelClocks.set(kernel, clock);
}

/** @internal The clock of the virtual kernel behind a kernel view, if it is one. */
export function kernelClock(kernel: object): Clock | undefined {
  return kernelClocks.get(kernel);
}
