import type { LifecycleEvent } from '../contracts/lifecycle-event.js';
import type { Logger } from '../contracts/logger.js';
import { describeError } from '../errors/describe.js';
import { isKratosError } from '../errors/kratos-error.js';

/**
 * Logs one lifecycle event: state changes, signals and stop requests at info, each step at debug
 * when it went well, at warn or error when it did not (a failed deregistration, which is not
 * fatal, at warn with its error's message). The running summary is logged separately.
 */
export function logEvent(logger: Logger, event: LifecycleEvent): void {
  switch (event.type) {
    case 'state':
      logger.info({ state: event.state }, `lifecycle ${event.state}`);
      return;
    case 'signal':
      logger.info({ signal: event.signal }, `received ${event.signal}`);
      return;
    case 'stop-requested':
      logger.info({ reason: event.reason }, `stop requested: ${event.reason}`);
      return;
    case 'drain':
      logger.info({ durationMs: event.durationMs }, `drained for ${shownMs(event.durationMs)} ms`);
      return;
    default: {
      const { type, status, durationMs, error } = event;
      if (status === 'ok' && logger.isLevelEnabled?.('debug') === false) return;
      const subject =
        type === 'hook'
          ? `${event.phase} hook ${event.hook}`
          : 'server' in event
            ? `server ${event.server}`
            : `registrar ${event.registrar}`;
      // The step's coded error names the record too (`KRATOS_DEREGISTER_TIMEOUT` …): logs are grepped by code.
      const code = isKratosError(error) ? { code: error.code } : {};
      const fields = { step: type, status, durationMs, ...(error ? { err: error, ...code } : {}) };
      const message = `${type} ${subject}: ${status} in ${shownMs(durationMs)} ms`;
      // A failed deregistration does not fail the run (the lease expires by itself): a warning.
      if (error && type === 'deregister') logger.warn(fields, `${message}: ${describeError(error)}`);
      else if (error) logger.error(fields, message);
      else if (status === 'ok') logger.debug(fields, message);
      else logger.warn(fields, message);
    }
  }
}

// Real runs measure durations with performance.now(): a message shows them to the microsecond.
function shownMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
