import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { logVerbosity, setLogVerbosity, type ServerCredentials } from '@grpc/grpc-js';
import { generate } from 'selfsigned';
import { createServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { isKratosError } from '@kratos-ts/core';
import { GrpcErrorCode, GrpcServer } from '../../src/index.js';
import { foreignGrpcJs, type ForeignGrpcJs } from '../support/foreign-grpc-js.js';

// Defect: ServerCredentials from another copy of @grpc/grpc-js than the one @kratos-ts/grpc uses (an
// app that pins another grpc-js version gets one) were taken, and start() then failed with
// KRATOS_GRPC_BIND_FAILED "creds must be a ServerCredentials object" and a hint about the port being
// in use. They must fail with a coded error naming both copies and how to keep one; the bind hint is
// for bind errors only.

const FOREIGN_GRPC_JS = 'KRATOS_GRPC_FOREIGN_GRPC_JS';
const PORT_HINT = /port is in use|choose another port/;

let foreign: ForeignGrpcJs;
const servers: GrpcServer[] = [];
const blockers: TcpServer[] = [];

beforeAll(async () => {
  foreign = await foreignGrpcJs();
  setLogVerbosity(logVerbosity.NONE); // grpc-js logs every failed bind on stderr
});
afterAll(() => {
  setLogVerbosity(logVerbosity.ERROR);
  foreign.remove();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop(AbortSignal.abort())));
  await Promise.all(blockers.splice(0).map((blocker) => new Promise((resolve) => blocker.close(resolve))));
});

/** What creating and starting a server on 127.0.0.1 with `credentials` throws or rejects with. */
async function failure(credentials: unknown, port = 0): Promise<Error & { code?: string }> {
  try {
    const server = new GrpcServer({
      name: 'greeter-grpc',
      host: '127.0.0.1',
      port,
      credentials: credentials as ServerCredentials,
    });
    servers.push(server);
    await server.start(new AbortController().signal);
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('the server started');
}

describe('ServerCredentials from another copy of @grpc/grpc-js', () => {
  it('fail with KRATOS_GRPC_FOREIGN_GRPC_JS naming both copies and how to keep one, without the port hint', async () => {
    const error = await failure(foreign.grpc.ServerCredentials.createInsecure());

    expect(isKratosError(error) && error.code).toBe(FOREIGN_GRPC_JS);
    expect(error.message).toContain('GrpcServer "greeter-grpc"');
    expect(error.message).toContain(`${foreign.ourRoot} (version ${foreign.version})`);
    expect(error.message).toContain(`${foreign.root} (version ${foreign.version})`);
    expect(error.message).toContain('npm ls @grpc/grpc-js');
    expect(error.message).toContain('npm dedupe');
    expect(error.message).toContain('"overrides"');
    expect(error.message).not.toMatch(PORT_HINT);
  });

  it('are told apart from TLS problems: secure credentials of the other copy fail the same way', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
    });
    const credentials = foreign.grpc.ServerCredentials.createSsl(null, [
      { private_key: Buffer.from(pems.private), cert_chain: Buffer.from(pems.cert) },
    ]);

    const error = await failure(credentials);

    expect(isKratosError(error) && error.code).toBe(FOREIGN_GRPC_JS);
    expect(error.message).toContain(foreign.root);
    expect(error.message).not.toMatch(PORT_HINT);
  });

  it('are told apart from what is no credentials at all: KRATOS_GRPC_INVALID_OPTIONS, no port hint', async () => {
    const error = await failure({ _isSecure: () => false });

    expect(isKratosError(error) && error.code).toBe(GrpcErrorCode.InvalidOptions);
    expect(error.message).toContain('credentials must be grpc-js ServerCredentials');
    expect(error.message).not.toMatch(PORT_HINT);
  });
});

describe('the bind hint', () => {
  it('still comes with a real bind failure (the port taken on 127.0.0.1)', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;

    const error = await failure(undefined, port);

    expect(isKratosError(error) && error.code).toBe(GrpcErrorCode.BindFailed);
    expect(error.message).toMatch(/EADDRINUSE/);
    expect(error.message).toMatch(PORT_HINT);
  });
});
