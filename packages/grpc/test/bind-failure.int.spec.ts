import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { logVerbosity, setLogVerbosity } from '@grpc/grpc-js';
import { isKratosError, KratosErrorCode, LifecycleKernel, type TransportServer } from '@kratos-ts/core';
import { startTestApp, type TestApp } from '@kratos-ts/testing';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { GrpcErrorCode, GrpcServer } from '../src/index.js';
import { greeterApp } from './support/greeter-app.js';

/** A real node:http server on 127.0.0.1:0 as a TransportServer, standing in for @kratos-ts/http. */
class LoopbackHttpServer implements TransportServer {
  readonly name = 'http';
  readonly server: HttpServer = createServer((_req, res) => res.end('ok'));
  started = false;
  stopped = false;

  start(): Promise<void> {
    // It ignores its signal on purpose: it always finishes starting, so the rollback must stop it.
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.started = true;
        resolve();
      }),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.close((error) => {
        this.stopped = true;
        if (error) reject(error);
        else resolve();
      }),
    );
  }

  endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
}

const blockers: TcpServer[] = [];
let app: TestApp | undefined;
const standalone: GrpcServer[] = [];

/** Holds a port on 127.0.0.1 so that binding it again fails with EADDRINUSE. */
async function occupiedPort(): Promise<number> {
  const blocker = createTcpServer();
  blockers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return (blocker.address() as AddressInfo).port;
}

// grpc-js logs every failed bind on stderr; these failures are the point of the suite.
beforeAll(() => setLogVerbosity(logVerbosity.NONE));
afterAll(() => setLogVerbosity(logVerbosity.ERROR));

afterEach(async () => {
  await app?.stop('test over');
  app = undefined;
  await Promise.all(standalone.splice(0).map((server) => server.stop(AbortSignal.abort())));
  await Promise.all(blockers.splice(0).map((blocker) => new Promise((resolve) => blocker.close(resolve))));
});

describe('a gRPC port already in use', () => {
  it('fails start() with KRATOS_GRPC_BIND_FAILED naming host:port and how to fix it', async () => {
    const port = await occupiedPort();
    const server = new GrpcServer({ host: '127.0.0.1', port });
    standalone.push(server);

    const error: unknown = await server.start(new AbortController().signal).catch((e: unknown) => e);

    expect(isKratosError(error) && error.code).toBe(GrpcErrorCode.BindFailed);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toMatch(/EADDRINUSE/);
    expect((error as Error).message).toMatch(/choose another port/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(server.port).toBeUndefined();
    expect(server.endpoint()).toBeUndefined();
  });

  it('makes run() reject with KRATOS_START_FAILED caused by the bind error; the kernel stops the HTTP server that had started and registers nothing', async () => {
    const port = await occupiedPort();
    const http = new LoopbackHttpServer();
    const under = greeterApp({ grpc: { port }, servers: [http] });

    const error: unknown = await startTestApp(under.container).then(
      (started) => void (app = started),
      (e: unknown) => e,
    );

    expect(isKratosError(error) && error.code).toBe(KratosErrorCode.StartFailed);
    const cause = (error as Error).cause;
    expect(isKratosError(cause) && cause.code).toBe(GrpcErrorCode.BindFailed);
    expect((cause as Error).message).toContain(`127.0.0.1:${port}`);
    expect(http.started).toBe(true);
    expect(http.stopped).toBe(true);
    expect(http.server.listening).toBe(false);
    await expect(under.registry.getService('greeter-app')).resolves.toEqual([]);
    expect(under.container.get(LifecycleKernel).state).toBe('failed');
  });
});
