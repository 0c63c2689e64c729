/** The defaults of `NodeSetOptions`. */
export const DISCOVERY_DEFAULTS = Object.freeze({
  /**
   * How long an empty instance list must last before calls fail fast with `KRATOS_NO_INSTANCES`.
   * Chosen against the registry's re-registration path (docs/discovery.md, "Empty lists are
   * honoured"): after every lease expired at once, etcd registrars put their keys back within
   * 60–320 ms of etcd answering again, so 1 s covers that three times over, while a service that
   * is really gone still fails fast within a second.
   */
  emptyGrace: 1_000,
});
