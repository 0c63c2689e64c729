// The public surface of @kratos-ts/telemetry. Named exports only; types as `export type`.

export {};
