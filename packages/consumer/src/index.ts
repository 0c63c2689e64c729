// The public surface of @kratos-ts/consumer. Named exports only; types as `export type`.

export { ConsumerServer, type ConsumerPhase, type ConsumerStopReport } from './consumer-server.js';
export { CONSUMER_DEFAULTS, type ConsumerServerOptions } from './consumer-server-options.js';
export type { ConsumeOptions, ConsumerAdapter, ConsumerSubscription, Delivery } from './consumer-adapter.js';
export type { ConsumerHandler, HandlerContext, MessageDecoder } from './consumer-handler.js';
export {
  ConsumerDrain,
  type ConsumerDrainOptions,
  type DrainPhase,
  type DrainReport,
} from './consumer-drain.js';
export { jsonDecoder } from './json-decoder.js';
export { ConsumerErrorCode } from './consumer-error-codes.js';
