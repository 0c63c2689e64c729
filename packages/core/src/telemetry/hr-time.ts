import type { HrTime } from '@opentelemetry/api';

/**
 * A time on the kernel's clock (ms) as an OpenTelemetry `HrTime`. Handed over as a plain number,
 * the SDK guesses whether it counts from the epoch or from `performance.timeOrigin` by comparing it
 * with `performance.now()`: a virtual clock's times would be read one way at the start of a span
 * and the other at its end. An `HrTime` is taken as it is.
 */
export function toHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
