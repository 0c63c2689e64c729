import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChannelCredentials, credentials, experimental, ServerCredentials } from '@grpc/grpc-js';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { grpcJsCopyHolding } from '../src/grpc-js-copy/grpc-js-copy.js';
import { locateGrpcJs } from '../src/grpc-js-copy/locate-grpc-js.js';
import { ourGrpcJs } from '../src/grpc-js-copy/our-grpc-js.js';
import { serverCredentialsOrigin } from '../src/server-credentials-origin.js';
import { foreignGrpcJs, type ForeignGrpcJs } from './support/foreign-grpc-js.js';

let foreign: ForeignGrpcJs;
beforeAll(async () => {
  foreign = await foreignGrpcJs();
});
afterAll(() => foreign.remove());

describe('grpcJsCopyHolding', () => {
  it('names the grpc-js package folder and version of a file in it, given as a path or a file: URL', () => {
    const file = createRequire(import.meta.url).resolve('@grpc/grpc-js');
    const expected = { root: foreign.ourRoot, version: foreign.version };

    expect(grpcJsCopyHolding(file)).toEqual(expected);
    expect(grpcJsCopyHolding(pathToFileURL(file).href)).toEqual(expected);
  });

  it('is undefined for a file of another package, a node: module or a relative name', () => {
    expect(grpcJsCopyHolding(createRequire(import.meta.url).resolve('rxjs'))).toBeUndefined();
    expect(grpcJsCopyHolding('node:internal/modules/run_main')).toBeUndefined();
    expect(grpcJsCopyHolding('build/src/index.js')).toBeUndefined();
  });
});

describe('locateGrpcJs', () => {
  it('finds the copy of the grpc-js function that touches the probe: ours and the other one', () => {
    const uri = (probe: object): experimental.GrpcUri => probe as experimental.GrpcUri;

    expect(locateGrpcJs((probe) => experimental.uriToString(uri(probe)))?.root).toBe(foreign.ourRoot);
    expect(locateGrpcJs((probe) => foreign.grpc.experimental.uriToString(uri(probe)))).toEqual({
      root: foreign.root,
      version: foreign.version,
    });
    expect(ourGrpcJs()).toEqual({ root: foreign.ourRoot, version: foreign.version });
  });

  it('finds the copy of credentials of either kind, from their _equals', () => {
    const server = foreign.grpc.ServerCredentials.createInsecure();
    const channel = foreign.grpc.credentials.createInsecure();

    expect(locateGrpcJs((probe) => server._equals(probe as ServerCredentials))?.root).toBe(foreign.root);
    expect(locateGrpcJs((probe) => channel._equals(probe as ChannelCredentials))?.root).toBe(foreign.root);
  });

  it('stops the probed function at its first touch of the probe, even when it catches', () => {
    const touched: string[] = [];
    const copy = locateGrpcJs((probe) => {
      try {
        experimental.uriToString(probe as experimental.GrpcUri);
      } catch {
        touched.push('caught');
      }
      touched.push('went on');
    });

    expect(copy?.root).toBe(foreign.ourRoot);
    expect(touched).toEqual(['caught', 'went on']);
  });

  it('is undefined when no grpc-js function touched the probe, and leaves stack traces as they were', () => {
    const before = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
    const limit = Error.stackTraceLimit;

    expect(locateGrpcJs(() => 'untouched')).toBeUndefined();
    expect(locateGrpcJs((probe) => Reflect.has(probe, 'x'))).toBeUndefined(); // our own frame only

    expect(Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace')).toEqual(before);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});

describe('serverCredentialsOrigin', () => {
  it('tells ours, those of another copy and what is no credentials apart', () => {
    class ServerCredentialsLookalike {
      _isSecure(): boolean {
        return false;
      }
    }
    Object.defineProperty(ServerCredentialsLookalike, 'name', { value: 'ServerCredentials' });
    class Insecure extends ServerCredentialsLookalike {}

    expect(serverCredentialsOrigin(ServerCredentials.createInsecure())).toBe('ours');
    expect(serverCredentialsOrigin(foreign.grpc.ServerCredentials.createInsecure())).toBe('another copy');
    expect(serverCredentialsOrigin(new Insecure())).toBe('another copy'); // a grpc-js without _equals
    expect(serverCredentialsOrigin({ _isSecure: () => false })).toBe('not credentials');
    expect(serverCredentialsOrigin({ _isSecure: () => false, _equals: () => false })).toBe('another copy');
    // Channel credentials have _isSecure and _equals too: of either copy, they are the wrong kind.
    expect(serverCredentialsOrigin(credentials.createInsecure())).toBe('not credentials');
    expect(serverCredentialsOrigin(foreign.grpc.credentials.createInsecure())).toBe('not credentials');
    expect(serverCredentialsOrigin(foreign.grpc.credentials.createSsl())).toBe('not credentials');
    expect(serverCredentialsOrigin(null)).toBe('not credentials');
    expect(serverCredentialsOrigin('insecure')).toBe('not credentials');
  });
});
