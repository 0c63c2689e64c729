/**
 * The weights a node may have. A `weight` metadata value that is not a finite number > 0 gives the
 * default; one outside `[min, max]` is clamped into it. The bounds keep every selector's arithmetic
 * exact: smooth WRR adds weights up once per pick, and sums of weights up to `max` stay far below
 * 2^53, where doubles stop counting integers exactly (weights of 1e308 used to overflow to Infinity).
 */
export const NODE_WEIGHTS = Object.freeze({
  /** The weight of a node whose instance has no valid `weight` metadata (Kratos' default too). */
  default: 100,
  /** The smallest weight; a positive weight below it is raised to it. */
  min: 0.001,
  /** The largest weight; a weight above it is lowered to it. */
  max: 1_000_000,
});

/** A weight as selectors use it: the default when not a finite number > 0, else clamped into range. */
export function clampWeight(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) return NODE_WEIGHTS.default;
  return Math.min(NODE_WEIGHTS.max, Math.max(NODE_WEIGHTS.min, weight));
}
