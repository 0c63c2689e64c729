import type { Logger } from '@kratos-ts/core';

/**
 * Polls `condition` every 10 ms until it holds; throws naming `what` after `timeoutMs`. A condition
 * that throws counts as not holding yet (a broker still coming back), its last error kept as cause.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: did not hold within ${timeoutMs} ms`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise to hold handlers on, and its release. */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

/** A closed gate. */
export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** One log line, as `recordingLogger` keeps it. */
export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A logger that keeps every line. */
export function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: object | string, message?: string): void =>
      void lines.push(
        typeof fields === 'string'
          ? { level, fields: {}, message: fields }
          : { level, fields: fields as Record<string, unknown>, message: message ?? '' },
      );
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
