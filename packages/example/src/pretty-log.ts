// Human-readable logs for a terminal: pino's JSON lines, each turned into one line such as
// `17:40:02.113 INFO  greeter: serving on http://… phase=afterStart`. A synchronous stream of our
// own rather than pino-pretty: pino transports (worker threads) do not run in the bundle, and the
// JSON path (CI, containers, pipes) never loads this module (service.ts imports it lazily).

/** Where `prettyStream` writes: `process.stdout`, or anything with a `write`. */
export interface TextSink {
  write(text: string): unknown;
}

const LEVELS: Readonly<Record<number, readonly [label: string, color: number]>> = {
  10: ['TRACE', 90],
  20: ['DEBUG', 36],
  30: ['INFO', 32],
  40: ['WARN', 33],
  50: ['ERROR', 31],
  60: ['FATAL', 35],
};

/** Fields shown elsewhere on the line (or not at all: pid, hostname, pino's version). */
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err', 'v']);

/** One pino record (a parsed JSON line) as one readable line, ending in `\n`; `err` as its stack below. */
export function prettyLine(record: Readonly<Record<string, unknown>>, colors: boolean): string {
  const paint = (color: number, text: string): string => (colors ? `\x1b[${color}m${text}\x1b[0m` : text);
  const level = typeof record.level === 'number' ? LEVELS[record.level] : undefined;
  const label = level
    ? paint(level[1], level[0].padEnd(5))
    : (typeof record.level === 'string' ? record.level : 'LOG').padEnd(5);
  const time = typeof record.time === 'number' ? `${paint(90, clock(new Date(record.time)))} ` : '';
  const name = typeof record.name === 'string' ? ` ${record.name}:` : '';
  const msg = typeof record.msg === 'string' ? ` ${record.msg}` : '';
  const fields = Object.entries(record)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  const err = record.err as { stack?: unknown; message?: unknown; code?: unknown } | undefined;
  if (typeof err?.code === 'string') fields.unshift(`code=${err.code}`);
  const tail = fields.length > 0 ? ` ${paint(90, fields.join(' '))}` : '';
  const stack =
    typeof err?.stack === 'string' ? err.stack : typeof err?.message === 'string' ? err.message : '';
  const below = stack ? `\n${stack.replace(/^/gm, '    ')}` : '';
  return `${time}${label}${name}${msg}${tail}${below}\n`;
}

/**
 * A pino destination that writes each record to `out` as `prettyLine` does; what is not a JSON
 * object passes through unchanged. Synchronous: `pino(options, prettyStream(process.stdout, …))`.
 */
export function prettyStream(out: TextSink, colors: boolean): { write(chunk: string): void } {
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        out.write(pretty(line, colors));
      }
    },
  };
}

function pretty(line: string, colors: boolean): string {
  try {
    const record: unknown = JSON.parse(line);
    if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
      return prettyLine(record as Record<string, unknown>, colors);
    }
  } catch {
    // not JSON: as is
  }
  return `${line}\n`;
}

function fieldValue(value: unknown): string {
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** `HH:MM:SS.mmm`, local time. */
function clock(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const ms = String(date.getMilliseconds()).padStart(3, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${ms}`;
}
