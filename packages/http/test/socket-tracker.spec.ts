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

  it('closeAwaitingHead closes sockets with no request yet or done with their last response, not busy ones', () => {
    const { tracker, socket, request } = setup();
    const fresh = socket();
    const between = socket();
    request(between).writableFinished = true;
    const busy = socket();
    request(busy);
    tracker.beginDrain();
    tracker.closeAwaitingHead();
    expect([fresh.destroyed, between.destroyed, busy.destroyed]).toEqual([true, true, false]);
    expect(tracker.sockets).toBe(1);
  });

  it('after closeAwaitingHead, a socket that starts awaiting a head is closed at once', () => {
    const { tracker, socket } = setup();
    tracker.beginDrain();
    tracker.closeAwaitingHead();
    expect(socket().destroyed).toBe(true);
    expect(tracker.sockets).toBe(0);
  });

  it('lists upgraded sockets with their request, and leaves them to the application', () => {
    const { tracker, socket, request } = setup();
    const plain = socket();
    const upgraded = socket();
    request(upgraded).writableFinished = true;
    const upgrade = { socket: upgraded, url: '/chat' };
    tracker.onUpgrade(upgrade as unknown as IncomingMessage);
    expect(tracker.upgradedSockets()).toEqual([{ socket: upgraded, request: upgrade }]);
    tracker.beginDrain();
    tracker.closeAwaitingHead();
    expect([plain.destroyed, upgraded.destroyed]).toEqual([true, false]);
    expect(tracker.upgradedSockets()).toHaveLength(1);
    upgraded.destroy();
    expect(tracker.upgradedSockets()).toEqual([]);
  });

  it('a response that ends on a socket upgraded since does not close that socket', () => {
    const { tracker, socket, request } = setup();
    const a = socket();
    const first = request(a);
    first.headersSent = true;
    tracker.onUpgrade({ socket: a } as unknown as IncomingMessage);
    tracker.beginDrain();
    first.close();
    expect(a.calls).toEqual([]);
  });

  it('with TLS, closes TCP sockets whose handshake is under way and TLS sockets awaiting a head', () => {
    const tracker = new SocketTracker();
    const stalled = new FakeSocket();
    const secured = new FakeSocket();
    tracker.trackHandshake(stalled as unknown as Socket);
    tracker.trackHandshake(secured as unknown as Socket);
    const idleTls = Object.assign(new FakeSocket(), { _parent: secured });
    tracker.trackSecure(idleTls as unknown as Socket);
    const busyTcp = new FakeSocket();
    tracker.trackHandshake(busyTcp as unknown as Socket);
    const busyTls = Object.assign(new FakeSocket(), { _parent: busyTcp });
    tracker.trackSecure(busyTls as unknown as Socket);
    tracker.onRequest(
      { socket: busyTls } as unknown as IncomingMessage,
      new FakeResponse() as unknown as ServerResponse,
    );
    tracker.beginDrain();
    tracker.closeAwaitingHead();
    expect([stalled.destroyed, secured.destroyed, idleTls.destroyed]).toEqual([true, false, true]);
    expect([busyTcp.destroyed, busyTls.destroyed]).toEqual([false, false]);
  });

  it('with TLS, leaves TCP sockets alone once a TLS socket could not be matched with its TCP socket', () => {
    const tracker = new SocketTracker();
    const tcp = new FakeSocket();
    tracker.trackHandshake(tcp as unknown as Socket);
    const tls = new FakeSocket();
    tracker.trackSecure(tls as unknown as Socket);
    tracker.onRequest(
      { socket: tls } as unknown as IncomingMessage,
      new FakeResponse() as unknown as ServerResponse,
    );
    tracker.beginDrain();
    tracker.closeAwaitingHead();
    expect([tcp.destroyed, tls.destroyed]).toEqual([false, false]);
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
