import { envDetector, hostDetector, processDetector, type ResourceDetector } from '@opentelemetry/resources';
import { getStringFromEnv } from '@opentelemetry/core';
import { getResourceDetectorsFromEnv } from '@opentelemetry/sdk-node/build/src/utils.js';
import type { AppInfo } from '@kratos-ts/core';
import { appResourceDetector } from './app-resource-detector.js';

/**
 * The detectors the Node SDK would run (`OTEL_NODE_RESOURCE_DETECTORS` when set, else env, process
 * and host, as `NodeSDK` does), then the application's own, last so that its identity wins.
 */
export function resourceDetectors(app: AppInfo): ResourceDetector[] {
  const fromSdk =
    getStringFromEnv('OTEL_NODE_RESOURCE_DETECTORS') === undefined
      ? [envDetector, processDetector, hostDetector]
      : getResourceDetectorsFromEnv();
  return [...fromSdk, appResourceDetector(app)];
}
