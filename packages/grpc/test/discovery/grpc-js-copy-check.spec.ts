import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryRegistry, isKratosError } from '@kratos-ts/core';
import {
  GrpcDiscoveryErrorCode,
  registerDiscoveryResolver,
  type DiscoveryResolverOptions,
} from '../../src/index.js';
import { foreignGrpcJs, type ForeignGrpcJs } from '../support/foreign-grpc-js.js';

// Which copy of grpc-js the app's channels use, when the `grpc` option does not say: the one the
// process's entry point resolves. These tests point process.argv[1] elsewhere to play other apps.

let foreign: ForeignGrpcJs;
let bare: string; // a folder with no node_modules above it that holds grpc-js
const entry = process.argv[1];

beforeAll(async () => {
  foreign = await foreignGrpcJs();
  bare = realpathSync(mkdtempSync(join(tmpdir(), 'kratos-no-grpc-js-')));
});
afterAll(() => {
  foreign.remove();
  rmSync(bare, { recursive: true, force: true });
});
afterEach(() => {
  process.argv[1] = entry!;
});

/** What registering `scheme` throws, or `undefined` when it registered. */
function registering(scheme: string, options: Omit<DiscoveryResolverOptions, 'scheme'> = {}): unknown {
  try {
    registerDiscoveryResolver(new InMemoryRegistry(), { scheme, ...options });
    return undefined;
  } catch (error) {
    return error;
  }
}

/** The target a channel of our copy resolves `<scheme>:///greeter` with: unchanged once registered. */
function targetOf(scheme: string): string {
  const channel = new grpc.Channel(`${scheme}:///greeter`, grpc.credentials.createInsecure(), {});
  const target = channel.getTarget();
  channel.close();
  return target;
}

describe('registerDiscoveryResolver, checking the copy of grpc-js the app uses', () => {
  it("registers when the entry point resolves @kratos-ts/grpc's own copy (this test run's)", () => {
    expect(registering('same-entry')).toBeUndefined();
    expect(targetOf('same-entry')).toBe('same-entry:///greeter');
  });

  it('fails with KRATOS_GRPC_DISCOVERY_FOREIGN_GRPC_JS when the entry point resolves another copy, naming it', () => {
    const main = join(foreign.project, 'main.js');
    writeFileSync(main, '');
    process.argv[1] = main;

    const error = registering('other-entry');

    expect(isKratosError(error) && error.code).toBe(GrpcDiscoveryErrorCode.ForeignGrpcJs);
    const { message } = error as Error;
    expect(message).toContain(`your app (${main}) imports @grpc/grpc-js from ${foreign.root} (version`);
    expect(message).toContain(`its copy of @grpc/grpc-js, ${foreign.ourRoot} (version`);
    expect(message).toContain('pass that module as the `grpc` option');
    expect(targetOf('other-entry')).toBe('dns:other-entry:///greeter');
  });

  it('lets the `grpc` option say which copy the channels use, over the entry point', () => {
    const main = join(foreign.project, 'main.js');
    writeFileSync(main, '');
    process.argv[1] = main;

    expect(registering('option-wins', { grpc })).toBeUndefined();
    expect(targetOf('option-wins')).toBe('option-wins:///greeter');
  });

  it('registers when the entry point resolves no grpc-js (bundled), or is no file (node -e)', () => {
    process.argv[1] = join(bare, 'bundle.js');
    writeFileSync(process.argv[1], '');
    expect(registering('bundled')).toBeUndefined();

    process.argv.splice(1, 1);
    try {
      expect(registering('no-entry')).toBeUndefined(); // the working directory resolves ours
    } finally {
      process.argv.splice(1, 0, entry!);
    }
  });

  it('refuses a `grpc` option that is no grpc-js module with KRATOS_GRPC_DISCOVERY_INVALID_OPTIONS', () => {
    const error = registering('bad-option', { grpc: { credentials: {} } });

    expect(isKratosError(error) && error.code).toBe(GrpcDiscoveryErrorCode.InvalidOptions);
    expect((error as Error).message).toContain(
      "grpc must be the @grpc/grpc-js module your channels are created with (import * as grpc from '@grpc/grpc-js')",
    );
  });
});
