import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemoryRegistry, isKratosError } from '@kratos-ts/core';
import { ChildApp } from '../../../http/test/support/child-app.js';
import { registerDiscoveryResolver, type DiscoveryResolverOptions } from '../../src/index.js';
import { foreignGrpcJs, type ForeignGrpcJs } from '../support/foreign-grpc-js.js';

// Defect: in an app whose @grpc/grpc-js is another copy than the one @kratos-ts/grpc uses,
// registerDiscoveryResolver() registered the resolver in @kratos-ts/grpc's copy without a word, and
// every call of the app's discovery:///greeter channels failed UNAVAILABLE "Failed to parse DNS
// address dns:discovery:///greeter" (the app's copy sent the unknown scheme to DNS). The
// registration must fail with a coded error naming both copies and how to keep one.

const FOREIGN_GRPC_JS = 'KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS';
const packages = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/foreign-grpc-js-app.mjs', import.meta.url));

let foreign: ForeignGrpcJs;
const apps: ChildApp[] = [];

beforeAll(async () => {
  foreign = await foreignGrpcJs();
});
afterAll(() => foreign.remove());
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.kill()));
});

describe('registerDiscoveryResolver with another copy of @grpc/grpc-js in the app', () => {
  it('fails with KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS naming both copies instead of calls failing "Failed to parse DNS address" (child process, built dist)', async () => {
    // The app's project: its own copy of grpc-js, and our packages linked as npm links workspaces.
    foreign.link('@kratos-ts/core', join(packages, 'core'));
    foreign.link('@kratos-ts/grpc', join(packages, 'grpc'));
    const main = join(foreign.project, 'main.mjs');
    copyFileSync(fixture, main);

    const app = ChildApp.start(main);
    apps.push(app);
    expect(await app.exited).toBe(0);

    const register = app.lines.find((line) => 'register' in line)?.register as {
      code?: string;
      message?: string;
    };
    expect(app.lines.find((line) => 'call' in line)).toBeUndefined();
    expect(register.code).toBe(FOREIGN_GRPC_JS);
    expect(register.message).toContain(`${foreign.ourRoot} (version ${foreign.version})`);
    expect(register.message).toContain(`${foreign.root} (version ${foreign.version})`);
    expect(register.message).toContain(main);
    expect(register.message).toContain('npm ls @grpc/grpc-js');
    expect(register.message).toContain('npm dedupe');
    expect(register.message).toContain('"overrides"');
    // The server side of the same app, under real Node module loading: the credentials' copy is named.
    const server = app.lines.find((line) => 'server' in line)?.server as { code?: string; message?: string };
    expect(server.code).toBe('KRATOS_GRPC_FOREIGN_GRPC_JS');
    expect(server.message).toContain(`${foreign.root} (version ${foreign.version})`);
    expect(app.stderr).toBe('');
  });

  it('fails with KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS when given that copy as `grpc`, registering nothing', () => {
    const registry = new InMemoryRegistry();
    const options = { scheme: 'foreign-copy', grpc: foreign.grpc } as DiscoveryResolverOptions;

    let error: unknown;
    try {
      registerDiscoveryResolver(registry, options);
    } catch (thrown) {
      error = thrown;
    }

    expect(isKratosError(error) && error.code).toBe(FOREIGN_GRPC_JS);
    const { message } = error as Error;
    expect(message).toContain('"foreign-copy"');
    expect(message).toContain(`${foreign.ourRoot} (version ${foreign.version})`);
    expect(message).toContain(`${foreign.root} (version ${foreign.version})`);
    expect(message).toContain('npm dedupe');
    // Not registered: our copy still sends the scheme to DNS.
    const channel = new grpc.Channel('foreign-copy:///greeter', grpc.credentials.createInsecure(), {});
    expect(channel.getTarget()).toBe('dns:foreign-copy:///greeter');
    channel.close();
  });

  it('registers when given the copy @kratos-ts/grpc uses as `grpc`', () => {
    const options = { scheme: 'same-copy', grpc } as DiscoveryResolverOptions;

    registerDiscoveryResolver(new InMemoryRegistry(), options);

    const channel = new grpc.Channel('same-copy:///greeter', grpc.credentials.createInsecure(), {});
    expect(channel.getTarget()).toBe('same-copy:///greeter');
    channel.close();
  });
});
