import type { ResourceDetector } from '@opentelemetry/resources';
import type { AppInfo } from '@kratos-ts/core';

/**
 * The resource attributes of an application: its metadata, then `service.name`,
 * `service.version` (each when not empty) and `service.instance.id` = `AppInfo.id`, the id the
 * registrars register (the etcd key `/microservices/<name>/<id>`). Metadata keys come first, so a
 * metadata entry named `service.name` does not replace the name.
 */
export function appResourceAttributes(app: AppInfo): Record<string, string> {
  const attributes: Record<string, string> = { ...app.metadata };
  if (app.name !== '') attributes['service.name'] = app.name;
  if (app.version !== '') attributes['service.version'] = app.version;
  attributes['service.instance.id'] = app.id;
  return attributes;
}

/**
 * A resource detector answering `appResourceAttributes(app)`. Run LAST among the detectors: the
 * SDK merges detected resources in order, the last one winning, so the application's identity
 * wins over `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME` and the random `service.instance.id`
 * of OpenTelemetry's own `serviceInstanceIdDetector`.
 */
export function appResourceDetector(app: AppInfo): ResourceDetector {
  const attributes = appResourceAttributes(app);
  return { detect: () => ({ attributes }) };
}
