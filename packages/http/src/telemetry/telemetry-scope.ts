import { KRATOS_INSTRUMENTATION_VERSION } from '@kratos-ts/core/internal';

/**
 * The instrumentation scope of every span and metric `@kratos-ts/http` records: the package's name
 * and kratos-ts' instrumentation version, so that a backend can tell them from a user's.
 */
export const TELEMETRY_SCOPE = { name: '@kratos-ts/http', version: KRATOS_INSTRUMENTATION_VERSION } as const;
