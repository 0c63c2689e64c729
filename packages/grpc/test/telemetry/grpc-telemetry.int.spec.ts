import { afterEach, describe, expect, it } from '@jest/globals';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type Client,
  type ClientReadableStream,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { GrpcServer, registerDiscoveryResolver, tracingInterceptor } from '../../src/index.js';
import { InMemoryOtel } from '../../../consumer/test/support/in-memory-otel.js';
import { GreeterFleet, CountingGreeter } from '../discovery/support/greeter-fleet.js';
import {
  checkHealth,
  GreeterService,
  greeterPackage,
  healthClient,
  type HelloReply,
  type HelloRequest,
  type StreamHellosRequest,
} from '../support/greeter.js';

interface Stub extends Client {
  sayHello(
    request: HelloRequest,
    metadata: Metadata,
    callback: (error: ServiceError | null, reply?: HelloReply) => void,
  ): unknown;
  streamHellos(request: StreamHellosRequest): ClientReadableStream<HelloReply>;
}

const Greeter = (
  loadPackageDefinition(greeterPackage) as unknown as {
    greeter: { v1: { Greeter: ServiceClientConstructor } };
  }
).greeter.v1.Greeter;

const SAY_HELLO = 'greeter.v1.Greeter/SayHello';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

let otel: InMemoryOtel | undefined;
const servers: GrpcServer[] = [];
const clients: Client[] = [];
let fleet: GreeterFleet | undefined;

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.stop(AbortSignal.abort())));
  await fleet?.stopAll();
  fleet = undefined;
  await otel?.dispose();
  otel = undefined;
});

/** What the greeter's handlers saw: the active span and the metadata of each call. */
class SeeingGreeter {
  readonly activeSpans: (SpanContext | undefined)[] = [];
  readonly traceparents: (string | undefined)[] = [];
  failWith: { code: status; details: string } | undefined;
  throwing = false;

  sayHello(call: ServerUnaryCall<HelloRequest, HelloReply>, callback: sendUnaryData<HelloReply>): void {
    this.activeSpans.push(trace.getActiveSpan()?.spanContext());
    this.traceparents.push(call.metadata.get('traceparent')[0] as string | undefined);
    if (this.throwing) throw new Error('the handler broke');
    if (this.failWith) return callback(this.failWith);
    const reply = (): void =>
      callback(null, { message: `Hello ${call.request.name}`, appName: 'g', appVersion: '1', appId: 'a' });
    if (call.request.delayMs) setTimeout(reply, call.request.delayMs);
    else reply();
  }

  streamHellos(call: ServerWritableStream<StreamHellosRequest, HelloReply>): void {
    const again = { message: 'again', appName: 'g', appVersion: '1', appId: 'a' };
    const timer = setInterval(() => call.write(again), call.request.intervalMs || 10);
    call.on('cancelled', () => clearInterval(timer));
  }
}

async function serve(greeter: SeeingGreeter, name = 'api'): Promise<GrpcServer> {
  const server = new GrpcServer({
    host: '127.0.0.1',
    port: 0,
    name,
    services: [{ definition: GreeterService, implementation: greeter }],
  });
  servers.push(server);
  await server.start(new AbortController().signal);
  return server;
}

function stub(target: string, traced = true): Stub {
  const client = new Greeter(target, credentials.createInsecure(), {
    ...(traced ? { interceptors: [tracingInterceptor()] } : {}),
  }) as unknown as Stub;
  clients.push(client);
  return client;
}

function hello(
  client: Stub,
  request: HelloRequest,
  metadata = new Metadata(),
): Promise<{ reply?: HelloReply; error?: ServiceError }> {
  return new Promise((resolve) =>
    client.sayHello(request, metadata, (error, reply) => resolve(error ? { error } : { reply: reply! })),
  );
}

function spanOf(kind: SpanKind, name = SAY_HELLO): ReadableSpan {
  const found = otel!.spans().filter((span) => span.name === name && span.kind === kind);
  if (found.length !== 1)
    throw new Error(`expected one ${SpanKind[kind]} span ${name}, found ${found.length}`);
  return found[0]!;
}

/** Waits (real time, bounded) until `condition` holds: spans end just after the reply is sent. */
async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('gRPC telemetry: spans', () => {
  it('makes one trace of a call through tracingInterceptor(): the CLIENT span, child of the caller, is the parent of the SERVER span in which the handler runs', async () => {
    otel = InMemoryOtel.register();
    const greeter = new SeeingGreeter();
    const server = await serve(greeter);
    const client = stub(`127.0.0.1:${server.port}`);

    const tracer = trace.getTracer('test');
    const { reply } = await tracer.startActiveSpan('caller', async (caller) => {
      const outcome = await hello(client, { name: 'Ada' });
      caller.end();
      return outcome;
    });
    await until(() => otel!.spans().length === 3);

    expect(reply?.message).toBe('Hello Ada');
    const caller = otel.span('caller');
    const clientSpan = spanOf(SpanKind.CLIENT);
    const serverSpan = spanOf(SpanKind.SERVER);
    const traceId = caller.spanContext().traceId;
    expect(clientSpan.spanContext().traceId).toBe(traceId);
    expect(clientSpan.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(serverSpan.spanContext().traceId).toBe(traceId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
    expect(serverSpan.parentSpanContext?.isRemote).toBe(true);
    // The traceparent the server received names the client span.
    expect(greeter.traceparents[0]).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(greeter.traceparents[0]!)?.[2]).toBe(clientSpan.spanContext().spanId);
    // The handler ran inside the server span.
    expect(greeter.activeSpans[0]?.spanId).toBe(serverSpan.spanContext().spanId);
    expect(serverSpan.attributes).toEqual({
      'rpc.system': 'grpc',
      'rpc.service': 'greeter.v1.Greeter',
      'rpc.method': 'SayHello',
      'kratos.server': 'api',
      'rpc.grpc.status_code': status.OK,
    });
    expect(serverSpan.status.code).toBe(SpanStatusCode.UNSET);
    expect(serverSpan.instrumentationScope.name).toBe('@kratos-ts/grpc');
    expect(clientSpan.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'greeter.v1.Greeter',
      'rpc.method': 'SayHello',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'network.peer.address': '127.0.0.1',
      'network.peer.port': server.port,
      'rpc.grpc.status_code': status.OK,
    });
  });

  it('makes the SERVER span a child of the traceparent an uninstrumented caller put in the metadata', async () => {
    otel = InMemoryOtel.register();
    const greeter = new SeeingGreeter();
    const server = await serve(greeter);
    const client = stub(`127.0.0.1:${server.port}`, false);
    const metadata = new Metadata();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    metadata.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);

    await hello(client, { name: 'Ada' }, metadata);
    await until(() => otel!.spans().length === 1);

    const serverSpan = spanOf(SpanKind.SERVER);
    expect(serverSpan.spanContext().traceId).toBe(traceId);
    expect(serverSpan.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('starts a new trace for a call without traceparent, whatever context the server was started in', async () => {
    otel = InMemoryOtel.register();
    const greeter = new SeeingGreeter();
    const tracer = trace.getTracer('test');
    // Started inside a span (as under a lifecycle span): its sockets carry that context.
    const server = await tracer.startActiveSpan('lifecycle', async (span) => {
      const started = await serve(greeter);
      span.end();
      return started;
    });
    const client = stub(`127.0.0.1:${server.port}`, false);

    await hello(client, { name: 'Ada' });
    await until(() => otel!.spans().length === 2);

    const serverSpan = spanOf(SpanKind.SERVER);
    expect(serverSpan.parentSpanContext).toBeUndefined();
    expect(serverSpan.spanContext().traceId).not.toBe(otel.span('lifecycle').spanContext().traceId);
  });

  it("records the status of a failed call: INTERNAL from a throwing handler is an error on both sides; NOT_FOUND is the client's error only", async () => {
    otel = InMemoryOtel.register();
    const greeter = new SeeingGreeter();
    const server = await serve(greeter);
    const client = stub(`127.0.0.1:${server.port}`);

    greeter.throwing = true;
    const broken = await hello(client, { name: 'Ada' });
    await until(() => otel!.spans().length === 2);
    expect(broken.error?.code).toBe(status.INTERNAL);
    expect(spanOf(SpanKind.SERVER).attributes['rpc.grpc.status_code']).toBe(status.INTERNAL);
    expect(spanOf(SpanKind.SERVER).status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'INTERNAL: Internal server error',
    });
    expect(spanOf(SpanKind.CLIENT).status.code).toBe(SpanStatusCode.ERROR);
    expect(spanOf(SpanKind.CLIENT).attributes['rpc.grpc.status_code']).toBe(status.INTERNAL);

    otel.spanExporter.reset();
    greeter.throwing = false;
    greeter.failWith = { code: status.NOT_FOUND, details: 'no such greeting' };
    const missing = await hello(client, { name: 'Ada' });
    await until(() => otel!.spans().length === 2);
    expect(missing.error?.code).toBe(status.NOT_FOUND);
    expect(spanOf(SpanKind.SERVER).attributes['rpc.grpc.status_code']).toBe(status.NOT_FOUND);
    expect(spanOf(SpanKind.SERVER).status.code).toBe(SpanStatusCode.UNSET);
    expect(spanOf(SpanKind.CLIENT).status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'NOT_FOUND: no such greeting',
    });
  });

  it('ends the span of a server stream the client cancelled, with CANCELLED', async () => {
    otel = InMemoryOtel.register();
    const server = await serve(new SeeingGreeter());
    const client = stub(`127.0.0.1:${server.port}`);

    const stream = client.streamHellos({ name: 'Ada', intervalMs: 5 });
    stream.on('error', () => undefined);
    await new Promise((resolve) => stream.once('data', resolve));
    stream.cancel();
    await until(() => otel!.spans().length === 2);

    const serverSpan = spanOf(SpanKind.SERVER, 'greeter.v1.Greeter/StreamHellos');
    expect(serverSpan.attributes['rpc.grpc.status_code']).toBe(status.CANCELLED);
    expect(
      spanOf(SpanKind.CLIENT, 'greeter.v1.Greeter/StreamHellos').attributes['rpc.grpc.status_code'],
    ).toBe(status.CANCELLED);
  });

  it('leaves health checks out of the traces and metrics', async () => {
    otel = InMemoryOtel.register();
    const server = await serve(new SeeingGreeter());
    const health = healthClient(server.port!);
    clients.push(health);

    await expect(checkHealth(health, '')).resolves.toBe('SERVING');

    expect(otel.spans()).toEqual([]);
    expect(await otel.points('rpc.server.duration')).toEqual([]);
  });
});

describe('gRPC telemetry: metrics', () => {
  it('records rpc.server.duration (ms) per call with its status, and rpc.server.active_requests while calls are in flight', async () => {
    otel = InMemoryOtel.register();
    const greeter = new SeeingGreeter();
    const server = await serve(greeter, 'api');
    const client = stub(`127.0.0.1:${server.port}`);
    const attributes = {
      'rpc.system': 'grpc',
      'rpc.service': 'greeter.v1.Greeter',
      'rpc.method': 'SayHello',
      'kratos.server': 'api',
    };

    const slow = hello(client, { name: 'slow', delayMs: 300 });
    await until(() => greeter.activeSpans.length === 1);
    expect(await otel.points('rpc.server.active_requests')).toEqual([{ attributes, value: 1, sum: 1 }]);
    await slow;
    await hello(client, { name: 'fast' });
    greeter.failWith = { code: status.NOT_FOUND, details: 'no' };
    await hello(client, { name: 'missing' });
    await until(() => otel!.spans().length === 6);

    expect(await otel.points('rpc.server.active_requests')).toEqual([{ attributes, value: 0, sum: 0 }]);
    expect(await otel.unit('rpc.server.duration')).toBe('ms');
    expect(await otel.scopeOf('rpc.server.duration')).toBe('@kratos-ts/grpc');
    const durations = await otel.points('rpc.server.duration');
    const ok = durations.find((point) => point.attributes['rpc.grpc.status_code'] === status.OK);
    const notFound = durations.find((point) => point.attributes['rpc.grpc.status_code'] === status.NOT_FOUND);
    expect(durations).toHaveLength(2);
    expect(ok?.attributes).toEqual({ ...attributes, 'rpc.grpc.status_code': status.OK });
    expect(ok?.value).toBe(2);
    // The slow call took its 300 ms, in milliseconds.
    expect(ok?.sum).toBeGreaterThanOrEqual(290);
    expect(ok?.sum).toBeLessThan(10_000);
    expect(notFound?.value).toBe(1);
  });

  it("counts the attempts the discovery resolver's retry policy made again in kratos.client.retries, and adds them to the span as retry events", async () => {
    otel = InMemoryOtel.register();
    fleet = new GreeterFleet();
    registerDiscoveryResolver(fleet.discovery, {
      scheme: 'discovery-telemetry',
      retry: { methods: [{ service: 'greeter.v1.Greeter', method: 'SayHello' }], initialBackoff: 10 },
    });
    // An instance whose first two calls fail UNAVAILABLE (as one that is going away would).
    class FlakyGreeter extends CountingGreeter {
      failures = 2;
      override sayHello(
        call: ServerUnaryCall<HelloRequest, HelloReply>,
        callback: sendUnaryData<HelloReply>,
      ): void {
        if (this.failures > 0) {
          this.failures -= 1;
          callback({ code: status.UNAVAILABLE, details: 'going away' });
          return;
        }
        super.sayHello(call, callback);
      }
    }
    await fleet.start('a', new FlakyGreeter('a'));
    const client = stub('discovery-telemetry:///greeter');

    const { reply, error } = await hello(client, { name: 'Ada' });
    await until(() => otel!.spans().length === 4);

    expect(error).toBeUndefined();
    expect(reply?.appId).toBe('a');
    expect(await otel.points('kratos.client.retries')).toEqual([
      { attributes: { 'kratos.client': 'grpc', 'server.address': 'greeter' }, value: 2, sum: 2 },
    ]);
    const clientSpan = spanOf(SpanKind.CLIENT);
    expect(clientSpan.attributes['server.address']).toBe('greeter');
    expect(clientSpan.attributes['server.port']).toBeUndefined();
    expect(clientSpan.events.map((event) => [event.name, event.attributes])).toEqual([
      ['retry', { attempt: 2 }],
      ['retry', { attempt: 3 }],
    ]);
    // Each attempt reached the server as a child of the one client span.
    const serverSpans = otel.spans().filter((span) => span.kind === SpanKind.SERVER);
    expect(serverSpans.map((span) => span.attributes['rpc.grpc.status_code'])).toEqual([
      status.UNAVAILABLE,
      status.UNAVAILABLE,
      status.OK,
    ]);
    for (const span of serverSpans)
      expect(span.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
  });
});

describe('gRPC telemetry without an SDK', () => {
  it('serves and calls as before, recording nothing, and picks up an SDK registered later (instruments made lazily)', async () => {
    const greeter = new SeeingGreeter();
    const server = await serve(greeter);
    const client = stub(`127.0.0.1:${server.port}`);

    const before = await hello(client, { name: 'Ada' });
    expect(before.reply?.message).toBe('Hello Ada');
    expect(greeter.traceparents).toEqual([undefined]);
    expect(greeter.activeSpans).toEqual([undefined]);

    otel = InMemoryOtel.register();
    await hello(client, { name: 'Ada' });
    await until(() => otel!.spans().length === 2);

    expect(greeter.traceparents[1]).toMatch(TRACEPARENT);
    expect((await otel.points('rpc.server.duration')).map((point) => point.value)).toEqual([1]);
  });
});
