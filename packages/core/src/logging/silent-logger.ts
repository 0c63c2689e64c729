import type { Logger } from '../contracts/logger.js';

const ignore = (): void => undefined;

/** A `Logger` that writes nothing (and says so, so nothing builds messages for it). */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  isLevelEnabled: () => false,
});
