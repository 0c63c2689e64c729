import { pino } from 'pino';
import type { Logger } from '../contracts/logger.js';

/**
 * The logger used when nothing is bound to `LOGGER`: pino to stdout, named after the app, at the
 * level in `LOG_LEVEL` (default `info`).
 */
export function defaultLogger(name: string): Logger {
  return pino({ name: name || 'kratos', level: process.env.LOG_LEVEL ?? 'info' });
}
