import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SocketTracker } from '../src/socket-tracker.js';
import { guardCloseUpgraded, upgradeListener } from '../src/upgrades.js';

class FakeSocket extends EventEmitter {
  destroyed = false;
  written = '';
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  end(data: string, callback: () => void): void {
    this.written += data;
    callback();
  }
}

interface Failure {
  readonly error: unknown;
  readonly message: string;
}

function setup(onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown): {
  tracker: SocketTracker;
  failures: Failure[];
  upgrade: () => { socket: FakeSocket; req: IncomingMessage };
} {
  const tracker = new SocketTracker();
  const failures: Failure[] = [];
  const listener = upgradeListener('api', tracker, onUpgrade, (error, _req, message) =>
    failures.push({ error, message }),
  );
  return {
    tracker,
    failures,
    upgrade: () => {
      const socket = new FakeSocket();
      tracker.track(socket as unknown as Socket);
      const req = { socket, method: 'GET', url: '/chat?token=secret' } as unknown as IncomingMessage;
      listener(req, socket as unknown as Duplex, Buffer.alloc(0));
      return { socket, req };
    },
  };
}

describe('upgradeListener', () => {
  it('marks the socket as upgraded, then hands it to onUpgrade', () => {
    const calls: unknown[][] = [];
    const { tracker, upgrade } = setup((...args) => calls.push(args));
    const { socket, req } = upgrade();
    expect(calls).toEqual([[req, socket, Buffer.alloc(0)]]);
    expect(tracker.upgradedSockets()).toEqual([{ socket, request: req }]);
  });

  it('once a drain began, answers 503 with Connection: close and closes the socket instead', () => {
    const calls: unknown[] = [];
    const { tracker, upgrade } = setup(() => calls.push('upgrade'));
    tracker.beginDrain();
    const { socket } = upgrade();
    expect(calls).toEqual([]);
    expect(socket.written).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
    expect(socket.destroyed).toBe(true);
    expect(tracker.upgradedSockets()).toEqual([]);
  });

  it('destroys the socket and reports it when onUpgrade throws, without the query string', () => {
    const boom = new Error('boom');
    const { failures, upgrade } = setup(() => {
      throw boom;
    });
    const { socket } = upgrade();
    expect(socket.destroyed).toBe(true);
    expect(failures).toEqual([
      {
        error: boom,
        message: 'HTTP server "api": onUpgrade failed on GET /chat: boom; the connection was destroyed',
      },
    ]);
  });

  it('destroys the socket and reports it when the promise onUpgrade returns rejects', async () => {
    const boom = new Error('late');
    const { failures, upgrade } = setup(() => Promise.reject(boom));
    const { socket } = upgrade();
    await Promise.resolve();
    expect(socket.destroyed).toBe(true);
    expect(failures.map((failure) => failure.error)).toEqual([boom]);
  });
});

describe('guardCloseUpgraded', () => {
  const request = { method: 'GET', url: '/chat?token=secret' } as unknown as IncomingMessage;
  const socket = new FakeSocket() as unknown as Socket;

  it('passes socket and request through, and reports a throw or a rejection', async () => {
    const failures: Failure[] = [];
    const report = (error: unknown, _req: IncomingMessage, message: string): number =>
      failures.push({ error, message });
    const seen: unknown[][] = [];
    guardCloseUpgraded('api', (...args) => void seen.push(args), report)(socket, request);
    expect(seen).toEqual([[socket, request]]);
    expect(failures).toEqual([]);

    const thrown = new Error('thrown');
    guardCloseUpgraded(
      'api',
      () => {
        throw thrown;
      },
      report,
    )(socket, request);
    const rejected = new Error('rejected');
    guardCloseUpgraded('api', () => Promise.reject(rejected), report)(socket, request);
    await Promise.resolve();
    expect(failures.map((failure) => failure.error)).toEqual([thrown, rejected]);
    expect(failures[0]?.message).toBe(
      'HTTP server "api": closeUpgraded failed for the connection upgraded by GET /chat: thrown; it stays open until it closes or stopTimeout',
    );
  });
});
