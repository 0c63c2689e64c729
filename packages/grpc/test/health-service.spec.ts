import { describe, expect, it } from '@jest/globals';
import type { Server, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { EventEmitter } from 'node:events';
import { HealthService } from '../src/index.js';

/** A stand-in for a grpc-js server-streaming call: records writes, `end()` emits 'finish'. */
class FakeWatchCall extends EventEmitter {
  readonly written: string[] = [];
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  constructor(
    readonly request: { service: string },
    /** Finish only when `finish()` is called, as a stream whose last write is not flushed yet. */
    private readonly finishLater = false,
  ) {
    super();
  }
  write(message: { status: string }): boolean {
    if (this.writableEnded) throw new Error('write after end');
    this.written.push(message.status);
    return true;
  }
  end(): void {
    this.writableEnded = true;
    if (!this.finishLater) this.finish();
  }
  finish(): void {
    this.writableFinished = true;
    this.emit('finish');
  }
}

/** The handlers the HealthService adds to a server. */
function handlersOf(health: HealthService): {
  definition: ServiceDefinition;
  watch: (call: FakeWatchCall) => void;
  check: (
    call: { request: { service: string } },
    callback: (error: unknown, reply?: unknown) => void,
  ) => void;
  list: (call: unknown, callback: (error: unknown, reply?: unknown) => void) => void;
} {
  let added: { definition: ServiceDefinition; impl: UntypedServiceImplementation } | undefined;
  const server: Pick<Server, 'addService'> = {
    addService: (definition, impl) => {
      added = { definition, impl };
    },
  };
  health.addToServer(server);
  if (!added) throw new Error('addToServer added nothing');
  return { definition: added.definition, ...(added.impl as object) } as ReturnType<typeof handlersOf>;
}

describe('HealthService', () => {
  it('adds grpc.health.v1.Health with Check, Watch and List', () => {
    const { definition } = handlersOf(new HealthService());

    expect(
      Object.values(definition)
        .map((method) => method.path)
        .sort(),
    ).toEqual([
      '/grpc.health.v1.Health/Check',
      '/grpc.health.v1.Health/List',
      '/grpc.health.v1.Health/Watch',
    ]);
  });

  it('sends the current status on Watch, then only changes, and SERVICE_UNKNOWN for an unknown name', () => {
    const health = new HealthService();
    const { watch } = handlersOf(health);
    health.setStatus('', 'SERVING');
    const overall = new FakeWatchCall({ service: '' });
    const other = new FakeWatchCall({ service: 'other.Service' });

    watch(overall);
    watch(other);
    health.setStatus('', 'SERVING');
    health.setStatus('', 'NOT_SERVING');
    health.setStatus('other.Service', 'SERVING');

    expect(overall.written).toEqual(['SERVING', 'NOT_SERVING']);
    expect(other.written).toEqual(['SERVICE_UNKNOWN', 'SERVING']);
    expect(health.openWatches).toBe(2);
  });

  it('ends every open Watch after it was sent the current status, and new ones right after their first message', async () => {
    const health = new HealthService();
    const { watch } = handlersOf(health);
    health.setStatus('', 'SERVING');
    const open = new FakeWatchCall({ service: '' });
    watch(open);

    health.setStatus('', 'NOT_SERVING');
    await health.endWatches();
    const late = new FakeWatchCall({ service: '' });
    watch(late);

    expect(open.written).toEqual(['SERVING', 'NOT_SERVING']);
    expect(open.writableEnded).toBe(true);
    expect(late.written).toEqual(['NOT_SERVING']);
    expect(late.writableEnded).toBe(true);
    expect(health.openWatches).toBe(0);
    // Ended streams are forgotten: a later change is not written to them.
    health.reopen();
    expect(() => health.setStatus('', 'SERVING')).not.toThrow();
  });

  it('resolves endWatches() only once every ended stream has finished', async () => {
    const health = new HealthService();
    const { watch } = handlersOf(health);
    const slow = new FakeWatchCall({ service: '' }, true);
    watch(slow);
    let resolved = false;

    const ended = health.endWatches().then(() => (resolved = true));
    await Promise.resolve();
    const beforeFinish = resolved;
    slow.finish();
    await ended;

    expect(slow.writableEnded).toBe(true);
    expect(beforeFinish).toBe(false);
    expect(resolved).toBe(true);
  });

  it('forgets a Watch whose client cancelled it', () => {
    const health = new HealthService();
    const { watch } = handlersOf(health);
    const call = new FakeWatchCall({ service: '' });
    watch(call);

    call.emit('cancelled');
    health.setStatus('', 'SERVING');

    expect(health.openWatches).toBe(0);
    expect(call.written).toEqual(['SERVICE_UNKNOWN']);
  });

  it('answers Check with the status, NOT_FOUND for an unknown name, and List with every status', () => {
    const health = new HealthService();
    const { check, list } = handlersOf(health);
    health.setStatus('', 'SERVING');
    health.setStatus('greeter.v1.Greeter', 'NOT_SERVING');
    const replies: unknown[] = [];
    const callback = (error: unknown, reply?: unknown): void => void replies.push(error ?? reply);

    check({ request: { service: '' } }, callback);
    check({ request: { service: 'nope' } }, callback);
    list({}, callback);

    expect(replies).toEqual([
      { status: 'SERVING' },
      { code: 5, details: 'Health status unknown for service "nope"' },
      { statuses: { '': { status: 'SERVING' }, 'greeter.v1.Greeter': { status: 'NOT_SERVING' } } },
    ]);
  });
});
