import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEtcd, type EtcdProcess } from '../../../bench/src/fleet/etcd-process.js';
import { ExampleInstance } from '../../../bench/src/fleet/example-instance.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

// Issue 16's proof: a request through the project's HTTP client into a second service is one trace
// across both. `npm run client` (dist/client.js) calls the greeter through the registry
// (discovery:///greeter over HTTP and gRPC), both processes exporting to one OTLP/HTTP receiver:
// each server span is the child of the client span of its call, in the client's trace.

const clientMain = fileURLToPath(new URL('../../dist/client.js', import.meta.url));

let etcd: EtcdProcess;
let receiver: OtlpReceiver;
beforeAll(async () => {
  [etcd, receiver] = await Promise.all([startEtcd(), startOtlpReceiver()]);
});
afterAll(async () => {
  await Promise.all([etcd?.dispose(), receiver?.close()]);
});

describe('a call from the example client into the greeter', () => {
  it('is one trace across both processes: each server span is the child of its client span (HTTP and gRPC)', async () => {
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    };
    const greeter = new ExampleInstance(etcd.url, Date.now(), otel);
    try {
      await greeter.serving();
      const client = spawn(process.execPath, [clientMain], {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          ...otel,
          ETCD_ENDPOINTS: etcd.url,
          CALLS: '1',
          NAME: 'Grace',
        },
      });
      let output = '';
      client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => client.on('exit', resolve));
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(await greeter.stop()).toBe(0);

      const clientSpans = receiver.spans.filter((span) => span.resource['service.name'] === 'greeter-client');
      const serverSpans = receiver.spans.filter(
        (span) => span.resource['service.instance.id'] === greeter.id && span.kind === 2,
      );
      const http = pair(clientSpans, serverSpans, (span) => span.attributes['url.path'] === '/hello');
      const grpc = pair(clientSpans, serverSpans, (span) => span.name === 'greeter.v1.Greeter/SayHello');
      for (const { client: caller, server } of [http, grpc]) {
        expect(caller.kind).toBe(3);
        expect(server.traceId).toBe(caller.traceId);
        expect(server.parentSpanId).toBe(caller.spanId);
      }
      expect(http.server.name).toBe('GET /hello');
      expect(grpc.client.scope).toBe('@kratos-ts/grpc');
    } finally {
      greeter.kill();
    }
  });
});

/** The server span matching `isServer` and the client span it is the child of. */
function pair(
  clientSpans: readonly ReceivedSpan[],
  serverSpans: readonly ReceivedSpan[],
  isServer: (span: ReceivedSpan) => boolean,
): { client: ReceivedSpan; server: ReceivedSpan } {
  const server = serverSpans.find(isServer);
  if (!server) throw new Error(`no such server span among ${JSON.stringify(serverSpans.map((s) => s.name))}`);
  const client = clientSpans.find((span) => span.spanId === server.parentSpanId);
  if (!client)
    throw new Error(
      `the server span ${server.name}'s parent ${server.parentSpanId} is no client span: ${JSON.stringify(clientSpans.map((s) => [s.name, s.spanId, s.traceId]))}`,
    );
  return { client, server };
}
