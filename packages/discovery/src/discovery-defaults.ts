/** The defaults of `NodeSetOptions`. */
export const DISCOVERY_DEFAULTS = Object.freeze({
  /** How long an empty instance list must last before calls fail fast with `KRATOS_NO_INSTANCES`. */
  emptyGrace: 1_000,
});
