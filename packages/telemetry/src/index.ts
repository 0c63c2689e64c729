// The public surface of @kratos-ts/telemetry. Named exports only; types as `export type`.

export { KratosTelemetry } from './kratos-telemetry.js';
export { TELEMETRY_DEFAULTS, type KratosTelemetryOptions } from './kratos-telemetry-options.js';
export type { TelemetryTarget } from './telemetry-target.js';
export type { TelemetryShutdown } from './telemetry-shutdown.js';
export { PROMETHEUS_CONTENT_TYPE } from './prometheus-metrics.js';
export { appResourceAttributes } from './app-resource-detector.js';
export { TelemetryErrorCode } from './telemetry-error-codes.js';
export { TelemetryWarningCode } from './telemetry-warning-codes.js';
