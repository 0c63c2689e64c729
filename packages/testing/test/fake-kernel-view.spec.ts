import { afterEach, describe, expect, it } from '@jest/globals';
import type { LifecycleState } from '@kratos-ts/core';
import { HttpServer } from '@kratos-ts/http';
import { fakeKernelView, recordingLogger } from '../src/index.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop(AbortSignal.abort())));
});

/** Subscribes to `view.state$` and records what it emits, and `complete`. */
function follow(view: ReturnType<typeof fakeKernelView>): string[] {
  const seen: string[] = [];
  view.state$.subscribe({ next: (state) => seen.push(state), complete: () => seen.push('complete') });
  return seen;
}

describe('fakeKernelView', () => {
  it('is running by default, with a made-up app and a quiet recording logger', () => {
    const view = fakeKernelView();
    expect(view.state).toBe('running');
    expect(follow(view)).toEqual(['running']);
    expect(view.app).toEqual({ id: 'test-1', name: 'test', version: '0.0.0', metadata: {}, endpoints: [] });
    view.logger.warn({ server: 'api' }, 'heard');
    expect((view.logger as ReturnType<typeof recordingLogger>).messages('warn')).toEqual(['heard']);
  });

  it('takes the state, logger and app fields it is given', () => {
    const logger = recordingLogger();
    const view = fakeKernelView({
      state: 'starting',
      logger,
      app: { name: 'shop', endpoints: ['http://127.0.0.1:1'] },
    });
    expect(view.state).toBe('starting');
    expect(view.logger).toBe(logger);
    expect(view.app).toMatchObject({ id: 'test-1', name: 'shop', endpoints: ['http://127.0.0.1:1'] });
  });

  it('emits each state it enters at once, once, and completes after stopped, as a kernel does', () => {
    const view = fakeKernelView({ state: 'idle' });
    const seen = follow(view);
    const states: LifecycleState[] = ['starting', 'running', 'running', 'stopping'];
    for (const state of states) {
      view.enter(state);
      expect(view.state).toBe(state);
    }
    expect(seen).toEqual(['idle', 'starting', 'running', 'stopping']);
    view.enter('stopped');
    expect(seen.slice(-2)).toEqual(['stopped', 'complete']);
    expect(follow(view)).toEqual(['stopped', 'complete']);
    expect(() => view.enter('running')).toThrow('cannot enter "running" after "stopped"');
  });

  it('begun as failed, replays failed and completes', () => {
    expect(follow(fakeKernelView({ state: 'failed' }))).toEqual(['failed', 'complete']);
  });

  it('is what a server tested on its own logs to and follows (HttpServer on 127.0.0.1)', async () => {
    const logger = recordingLogger();
    const view = fakeKernelView({ logger });
    const server = new HttpServer({
      name: 'api',
      host: '127.0.0.1',
      port: 0,
      handler: () => {
        throw new Error('handler broke');
      },
    });
    servers.push(server);
    server.attachKernel(view);
    await server.start(new AbortController().signal);

    const res = await fetch(`${server.endpoint()}/work`);
    expect(res.status).toBe(500);
    expect(logger.records.filter((record) => record.level === 'error')).toHaveLength(1);
    expect((await fetch(`${server.endpoint()}/readyz`)).status).toBe(200);
    view.enter('stopping');
    expect((await fetch(`${server.endpoint()}/readyz`)).status).toBe(503);
  });
});
