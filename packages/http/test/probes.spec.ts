import { describe, expect, it, jest } from '@jest/globals';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { LifecycleState } from '@kratos-ts/core';
import { TestScheduler } from 'rxjs/testing';
import { Probes } from '../src/probes.js';

const paths = { livePath: '/livez', readyPath: '/readyz' };
const states: Record<string, LifecycleState> = {
  i: 'idle',
  s: 'starting',
  r: 'running',
  S: 'stopping',
  x: 'stopped',
  f: 'failed',
};

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Runs `work` at virtual `frame`, after what the cold observables emit in that frame. */
function at(scheduler: TestScheduler, frame: number, work: () => void): void {
  scheduler.schedule(work, frame);
}

interface Answered {
  readonly handled: boolean;
  readonly status?: number;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | undefined;
}

function ask(
  probes: Probes,
  method: string,
  url: string,
  phase: 'listening' | 'draining' = 'listening',
): Answered {
  let status: number | undefined;
  let headers: OutgoingHttpHeaders | undefined;
  let body: string | undefined;
  const res = {
    writeHead: jest.fn((code: number, h: OutgoingHttpHeaders) => {
      status = code;
      headers = h;
    }),
    end: jest.fn((chunk?: Buffer) => {
      body = chunk?.toString();
    }),
  };
  const handled = probes.answer({ method, url } as IncomingMessage, res as unknown as ServerResponse, phase);
  if (!handled) {
    expect(res.writeHead).not.toHaveBeenCalled();
    expect(res.end).not.toHaveBeenCalled();
    return { handled };
  }
  return { handled, ...(status !== undefined ? { status } : {}), ...(headers ? { headers } : {}), body };
}

describe('Probes', () => {
  it('follows the kernel state$: ready only while running, live until stopped', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const state$ = cold<LifecycleState>('i-s-r-S-x|', states);
      const probes = new Probes(paths);
      const seen: string[] = [];
      probes.watch(state$);
      for (let frame = 0; frame <= 9; frame += 2) {
        at(scheduler, frame, () => {
          const { live, ready } = probes.verdict('listening');
          seen.push(`${probes.kernelState} live=${live} ready=${ready}`);
        });
      }
      flush();
      expect(seen).toEqual([
        'idle live=true ready=false',
        'starting live=true ready=false',
        'running live=true ready=true',
        'stopping live=true ready=false',
        'stopped live=false ready=false',
      ]);
      expectSubscriptions(state$.subscriptions).toBe('^--------!');
    });
  });

  it('unsubscribes from the kernel when it stops watching, keeping the last state', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const state$ = cold<LifecycleState>('i-s-r-S-x|', states);
      const probes = new Probes(paths);
      probes.watch(state$);
      at(scheduler, 5, () => probes.unwatch());
      flush();
      expectSubscriptions(state$.subscriptions).toBe('^----!');
      expect(probes.kernelState).toBe('running');
    });
  });

  it('watching a new kernel drops the previous one', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const first$ = cold<LifecycleState>('i-s-r|', states);
      const second$ = cold<LifecycleState>('i--f|', states);
      const probes = new Probes(paths);
      probes.watch(first$);
      at(scheduler, 3, () => probes.watch(second$));
      flush();
      expectSubscriptions(first$.subscriptions).toBe('^--!');
      expectSubscriptions(second$.subscriptions).toBe('---^---!');
      expect(probes.kernelState).toBe('failed');
    });
  });

  it('answers /readyz with 200 ok while running and 503 unavailable from the first instant of stopping', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, flush }) => {
      const probes = new Probes(paths);
      probes.watch(cold<LifecycleState>('r-S', states));
      const answers: Answered[] = [];
      at(scheduler, 0, () => answers.push(ask(probes, 'GET', '/readyz')));
      at(scheduler, 2, () => answers.push(ask(probes, 'GET', '/readyz')));
      flush();
      expect(answers.map((a) => [a.status, a.body])).toEqual([
        [200, 'ok\n'],
        [503, 'unavailable\n'],
      ]);
      expect(answers[0]!.headers).toEqual({
        'content-type': 'text/plain; charset=utf-8',
        'content-length': 3,
        'cache-control': 'no-store',
      });
    });
  });

  it('answers /livez with 200 during stopping and 503 once the kernel stopped', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, flush }) => {
      const probes = new Probes(paths);
      probes.watch(cold<LifecycleState>('S-x', states));
      const answers: (number | undefined)[] = [];
      at(scheduler, 0, () => answers.push(ask(probes, 'GET', '/livez').status));
      at(scheduler, 2, () => answers.push(ask(probes, 'GET', '/livez').status));
      flush();
      expect(answers).toEqual([200, 503]);
    });
  });

  it('matches the exact path, ignores a query string, answers GET and HEAD only', () => {
    const probes = new Probes(paths);
    expect(ask(probes, 'GET', '/readyz?full=1')).toMatchObject({ handled: true, status: 200 });
    expect(ask(probes, 'HEAD', '/livez')).toMatchObject({ handled: true, status: 200, body: undefined });
    expect(ask(probes, 'GET', '/readyzz').handled).toBe(false);
    expect(ask(probes, 'GET', '/readyz/x').handled).toBe(false);
    expect(ask(probes, 'GET', '/').handled).toBe(false);
    expect(ask(probes, 'POST', '/readyz').handled).toBe(false);
  });

  it('standalone, it is ready while listening and not while draining', () => {
    const probes = new Probes(paths);
    expect(ask(probes, 'GET', '/readyz', 'listening').status).toBe(200);
    expect(ask(probes, 'GET', '/readyz', 'draining').status).toBe(503);
    expect(ask(probes, 'GET', '/livez', 'draining').status).toBe(200);
  });

  it('answers nothing when health is disabled', () => {
    const probes = new Probes(false);
    expect(ask(probes, 'GET', '/readyz').handled).toBe(false);
    expect(ask(probes, 'GET', '/livez').handled).toBe(false);
  });
});
