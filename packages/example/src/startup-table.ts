import { performance } from 'node:perf_hooks';
import type { Observable, Subscription } from 'rxjs';
import type { LifecycleEvent, TransportServer } from '@kratos-ts/core';

// The table the example prints at `running` in a terminal (see service.ts): each server with its
// endpoint and how long its start took, each registration, and the total from `starting` to
// `running`. Loaded only when it is shown.

/** What `watchStartup` recorded by the time the app was running. */
export interface StartupTimes {
  /** Each server's start duration (ms), by server name, from its `server-start` event. */
  readonly serverStartMs: ReadonlyMap<string, number>;
  /** Each registration, in the order they settled. */
  readonly registrations: readonly Registration[];
  /** From `starting` to `running`, in ms. */
  readonly totalMs: number;
}

/** One registrar's `register()`: its name and duration (ms). */
export interface Registration {
  readonly registrar: string;
  readonly durationMs: number;
}

/** One server row of the table. */
export interface StartupServer {
  readonly name: string;
  /** `undefined` when the server gave none. */
  readonly endpoint: string | undefined;
  /** `undefined` when no `server-start` event named it. */
  readonly startMs: number | undefined;
}

/** What `startupTable` renders. */
export interface StartupReport {
  /** In the order the app declares its servers. */
  readonly servers: readonly StartupServer[];
  readonly registrations: readonly Registration[];
  readonly totalMs: number;
}

/** What the table needs of a server: its name and, asked once running, its endpoint. */
export type NamedServer = Pick<TransportServer, 'name' | 'endpoint'>;

/**
 * Records server starts and registrations from a kernel's `events$` (subscribe before `run()`)
 * and calls `onRunning` once, when the app is running. `now` is the clock of the total (ms).
 */
export function watchStartup(
  events$: Observable<LifecycleEvent>,
  onRunning: (times: StartupTimes) => void,
  now: () => number = () => performance.now(),
): Subscription {
  let startingAt: number | undefined;
  const serverStartMs = new Map<string, number>();
  const registrations: Registration[] = [];
  return events$.subscribe((event) => {
    switch (event.type) {
      case 'state':
        if (event.state === 'starting') startingAt = now();
        else if (event.state === 'running') {
          const at = now();
          onRunning({ serverStartMs, registrations, totalMs: at - (startingAt ?? at) });
        }
        return;
      case 'server-start':
        serverStartMs.set(event.server, event.durationMs);
        return;
      case 'register':
        registrations.push({ registrar: event.registrar, durationMs: event.durationMs });
        return;
      default:
        return;
    }
  });
}

/**
 * The report for `servers` (the app's own server objects, in its order: each is asked for its
 * `endpoint()`, so names and endpoints cannot be mismatched), with the times recorded.
 */
export function startupReport(servers: readonly NamedServer[], times: StartupTimes): StartupReport {
  return {
    servers: servers.map((server) => {
      const name = server.name ?? 'server';
      return { name, endpoint: endpointOf(server), startMs: times.serverStartMs.get(name) };
    }),
    registrations: times.registrations,
    totalMs: times.totalMs,
  };
}

/** The table, one line per server, per registration and the total, columns aligned; ends in `\n`. */
export function startupTable(report: StartupReport): string {
  const rows: (readonly [string, string, string, string])[] = [
    ['step', 'name', 'endpoint', 'time'],
    ...report.servers.map(
      (server) => ['start', server.name, server.endpoint ?? '-', duration(server.startMs)] as const,
    ),
    ...report.registrations.map((r) => ['register', r.registrar, '', duration(r.durationMs)] as const),
    ['total', '', '', duration(report.totalMs)],
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column === 3 ? cell.padStart(widths[3]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Prints the startup table to `out` once the app is running. A diagnostic: whatever goes wrong
 * making it is printed instead of the table, never thrown into the kernel's event stream.
 */
export function printStartupTable(
  events$: Observable<LifecycleEvent>,
  servers: () => readonly NamedServer[],
  out: { write(text: string): unknown },
): Subscription {
  return watchStartup(events$, (times) => {
    try {
      out.write(startupTable(startupReport(servers(), times)));
    } catch (error) {
      out.write(`(no startup table: ${error instanceof Error ? error.message : String(error)})\n`);
    }
  });
}

function endpointOf(server: NamedServer): string | undefined {
  try {
    const endpoint = server.endpoint?.();
    if (typeof endpoint === 'string') return endpoint;
    if (endpoint instanceof URL) return endpoint.href;
    // None, or asynchronous: not waited for here (and a rejection is not left unhandled).
    if (endpoint instanceof Promise) void endpoint.catch(() => undefined);
    return undefined;
  } catch {
    return undefined;
  }
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return Number.isInteger(ms) ? `${ms} ms` : `${ms.toFixed(1)} ms`;
}
