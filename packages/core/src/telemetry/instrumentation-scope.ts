/**
 * The version of every kratos-ts instrumentation scope. The scope's name is the package's own
 * (`@kratos-ts/core`, `@kratos-ts/http`…), so a backend can tell which package measured what.
 * Import from `@kratos-ts/core/internal`.
 */
export const KRATOS_INSTRUMENTATION_VERSION = '0.1.0';
