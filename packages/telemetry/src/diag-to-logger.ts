import type { DiagLogger } from '@opentelemetry/api';
import type { Logger } from '@kratos-ts/core';
import { describeValue } from '@kratos-ts/core/internal';
import { TelemetryWarningCode } from './telemetry-warning-codes.js';

/**
 * OpenTelemetry's diagnostic logger, forwarding the SDK's warnings and errors (a failed export: the
 * collector is unreachable) to the application's logger at warn level with
 * `KRATOS_TELEMETRY_SDK_PROBLEM`; the chatter below warn is dropped.
 */
export function diagToLogger(logger: Logger): DiagLogger {
  const forward =
    (level: 'error' | 'warn') =>
    (message: string, ...args: unknown[]) => {
      const detail = args.map((arg) => (arg instanceof Error ? arg.message : describeArg(arg))).join(' ');
      logger.warn(
        { code: TelemetryWarningCode.SdkProblem, level, ...(args.length > 0 ? { detail } : {}) },
        `OpenTelemetry SDK ${level}: ${message}${detail === '' ? '' : ` ${detail}`}`,
      );
    };
  const ignore = (): void => undefined;
  return { error: forward('error'), warn: forward('warn'), info: ignore, debug: ignore, verbose: ignore };
}

function describeArg(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && 'message' in arg && typeof arg.message === 'string')
    return arg.message;
  return describeValue(arg);
}
