import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SocketTracker } from '../src/socket-tracker.js';

class FakeSocket extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  readonly calls: string[] = [];
  destroy(): void {
    this.calls.push('destroy');
    this.destroyed = true;
    this.emit('close');
  }
  end(callback?: () => void): void {
    this.calls.push('end');
    this.writableEnded = true;
    this.writableFinished = true;
    callback?.();
  }
}

class FakeResponse extends EventEmitter {
  headersSent = false;
  writableFinished = false;
  readonly headers = new Map<string, string>();
  setHeader(name: string, value: string): void {
    this.headers.set(name, value);
  }
  close(): void {
    this.emit('close');
  }
}

function setup(): {
  tracker: SocketTracker;
  socket: () => FakeSocket;
  request: (socket: FakeSocket) => FakeResponse;
} {
  const tracker = new SocketTracker();
  return {
    tracker,
    socket: () => {
      const socket = new FakeSocket();
      tracker.track(socket as unknown as Socket);
      return socket;
    },
    request: (socket) => {
      const res = new FakeResponse();
      tracker.onRequest({ socket } as unknown as IncomingMessage, res as unknown as ServerResponse);
      return res;
    },
  };
}

describe('SocketTracker', () => {
  it('counts open sockets and forgets them once closed', () => {
    const { tracker, socket } = setup();
    socket();
    const b = socket();
    expect(tracker.sockets).toBe(2);
    b.destroy();
    expect(tracker.sockets).toBe(1);
  });

  it('leaves keep-alive alone while serving: no Connection header, no listener, sockets stay open', () => {
    const { socket, request } = setup();
    const a = socket();
    const res = request(a);
    expect(res.listenerCount('close')).toBe(0);
    res.close();
    expect(res.headers.has('connection')).toBe(false);
    expect(a.calls).toEqual([]);
  });

  it('on drain, says Connection: close on in-flight responses whose headers are not out yet', () => {
    const { tracker, socket, request } = setup();
    const waiting = request(socket());
    const streaming = request(socket());
    streaming.headersSent = true;
    const done = request(socket());
    done.writableFinished = true;
    tracker.beginDrain();
    expect(tracker.draining).toBe(true);
    expect(waiting.headers.get('connection')).toBe('close');
    expect(streaming.headers.has('connection')).toBe(false);
    expect(done.headers.has('connection')).toBe(false);
  });

  it('during a drain, says Connection: close on every new request', () => {
    const { tracker, socket, request } = setup();
    tracker.beginDrain();
    expect(request(socket()).headers.get('connection')).toBe('close');
  });

  it('during a drain, closes a socket once its latest response ends, not before', () => {
    const { tracker, socket, request } = setup();
    const a = socket();
    const first = request(a);
    first.headersSent = true;
    tracker.beginDrain();
    const pipelined = request(a);
    first.close();
    expect(a.calls).toEqual([]);
    pipelined.close();
    expect(a.calls).toEqual(['end', 'destroy']);
    expect(tracker.sockets).toBe(0);
  });

  it('during a drain, closes the socket after a response whose headers went out before it', () => {
    const { tracker, socket, request } = setup();
    const a = socket();
    const streaming = request(a);
    streaming.headersSent = true;
    tracker.beginDrain();
    expect(a.calls).toEqual([]);
    streaming.close();
    expect(a.calls).toEqual(['end', 'destroy']);
  });

  it('destroyAll destroys every socket, busy or idle', () => {
    const { tracker, socket, request } = setup();
    const busy = socket();
    const idle = socket();
    request(busy);
    tracker.destroyAll();
    expect([busy.destroyed, idle.destroyed, tracker.sockets]).toEqual([true, true, 0]);
  });
});
