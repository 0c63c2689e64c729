import { describe, expect, it } from '@jest/globals';
import { Subject } from 'rxjs';
import type { LifecycleEvent } from '@kratos-ts/core';
import {
  printStartupTable,
  startupReport,
  startupTable,
  watchStartup,
  type StartupTimes,
} from '../src/startup-table.js';

// The table the example prints at `running` in a terminal, from recorded data: no process, no sleep.

const ok = { status: 'ok' } as const;

describe('startupTable', () => {
  it('lists each server with its endpoint and start time, each registration, and the total, aligned', () => {
    const table = startupTable({
      servers: [
        { name: 'http', endpoint: 'http://127.0.0.1:8000', startMs: 3 },
        { name: 'grpc', endpoint: 'grpc://127.0.0.1:9000', startMs: 12 },
      ],
      registrations: [{ registrar: 'InMemoryRegistry', durationMs: 0 }],
      totalMs: 42.34,
    });
    expect(table).toBe(
      [
        'step      name              endpoint                  time',
        'start     http              http://127.0.0.1:8000     3 ms',
        'start     grpc              grpc://127.0.0.1:9000    12 ms',
        'register  InMemoryRegistry                            0 ms',
        'total                                              42.3 ms',
        '',
      ].join('\n'),
    );
  });

  it('shows "-" for a server without an endpoint or a recorded start', () => {
    const table = startupTable({
      servers: [{ name: 'worker', endpoint: undefined, startMs: undefined }],
      registrations: [],
      totalMs: 1,
    });
    expect(table.split('\n')[1]).toBe('start  worker  -            -');
  });
});

describe('watchStartup', () => {
  it('records server starts (in completion order) and registrations, and reports once running', () => {
    const events$ = new Subject<LifecycleEvent>();
    let clock = 100;
    const reports: StartupTimes[] = [];
    const subscription = watchStartup(
      events$,
      (times) => reports.push(times),
      () => clock,
    );

    events$.next({ type: 'state', state: 'starting' });
    events$.next({
      type: 'hook',
      phase: 'beforeStart',
      hook: 'LifecycleLog.beforeStart',
      durationMs: 1,
      ...ok,
    });
    events$.next({ type: 'server-start', server: 'grpc', durationMs: 7, ...ok });
    events$.next({ type: 'server-start', server: 'http', durationMs: 2, ...ok });
    events$.next({ type: 'register', registrar: 'InMemoryRegistry', durationMs: 1, ...ok });
    expect(reports).toEqual([]);
    clock = 112.5;
    events$.next({ type: 'state', state: 'running' });
    subscription.unsubscribe();

    expect(reports).toHaveLength(1);
    const [times] = reports;
    expect([...times!.serverStartMs]).toEqual([
      ['grpc', 7],
      ['http', 2],
    ]);
    expect(times!.registrations).toEqual([{ registrar: 'InMemoryRegistry', durationMs: 1 }]);
    expect(times!.totalMs).toBe(12.5);
  });
});

describe('startupReport', () => {
  const times: StartupTimes = {
    serverStartMs: new Map([
      ['grpc', 7],
      ['http', 2],
    ]),
    registrations: [],
    totalMs: 10,
  };

  it('keeps the app order of its servers and asks each its own endpoint, whatever order they started in', () => {
    const report = startupReport(
      [
        { name: 'http', endpoint: () => 'http://127.0.0.1:8000' },
        { name: 'grpc', endpoint: () => new URL('grpc://127.0.0.1:9000') },
      ],
      times,
    );
    expect(report.servers).toEqual([
      { name: 'http', endpoint: 'http://127.0.0.1:8000', startMs: 2 },
      { name: 'grpc', endpoint: 'grpc://127.0.0.1:9000', startMs: 7 },
    ]);
  });

  it('leaves out an endpoint that throws, is asynchronous or is missing', async () => {
    const rejected = Promise.reject(new Error('later'));
    const report = startupReport(
      [
        {
          name: 'http',
          endpoint: () => {
            throw new Error('not listening');
          },
        },
        { name: 'grpc', endpoint: () => rejected },
        { name: 'worker' },
      ],
      times,
    );
    expect(report.servers.map((server) => server.endpoint)).toEqual([undefined, undefined, undefined]);
    await expect(rejected).rejects.toThrow('later');
  });
});

describe('printStartupTable', () => {
  it('writes the table once running, with the servers as they are then', () => {
    const events$ = new Subject<LifecycleEvent>();
    const written: string[] = [];
    printStartupTable(events$, () => [{ name: 'http', endpoint: () => 'http://127.0.0.1:1234' }], {
      write: (text: string) => written.push(text),
    });
    events$.next({ type: 'state', state: 'starting' });
    events$.next({ type: 'server-start', server: 'http', durationMs: 4, ...ok });
    expect(written).toEqual([]);
    events$.next({ type: 'state', state: 'running' });
    events$.complete();
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('start  http  http://127.0.0.1:1234');
  });

  it('prints what went wrong instead of throwing into the event stream', () => {
    const events$ = new Subject<LifecycleEvent>();
    const written: string[] = [];
    printStartupTable(
      events$,
      () => {
        throw new Error('no servers');
      },
      { write: (text: string) => written.push(text) },
    );
    expect(() => events$.next({ type: 'state', state: 'running' })).not.toThrow();
    expect(written).toEqual(['(no startup table: no servers)\n']);
  });
});
