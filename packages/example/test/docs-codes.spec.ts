import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@kratos-ts/core';
import * as discovery from '@kratos-ts/discovery';
import * as grpc from '@kratos-ts/grpc';
import * as http from '@kratos-ts/http';
import * as httpClient from '@kratos-ts/http/client';
import * as etcd from '@kratos-ts/registry-etcd';
import * as testing from '@kratos-ts/testing';

// The error catalogue and the docs cannot drift apart: every code of every package's error-code
// enum is documented in docs/*.md, and every KRATOS_* name the docs use exists. The enums are read
// from the packages' public entry points at run time, so a code added to an enum is checked at once.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entryPoints: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  '@kratos-ts/core': core,
  '@kratos-ts/discovery': discovery,
  '@kratos-ts/grpc': grpc,
  '@kratos-ts/http': http,
  '@kratos-ts/http/client': httpClient,
  '@kratos-ts/registry-etcd': etcd,
  '@kratos-ts/testing': testing,
};

/** Every exported `…ErrorCode` object of every entry point, by name: its code values. */
function errorCodeEnums(): Map<string, readonly string[]> {
  const enums = new Map<string, readonly string[]>();
  for (const exports of Object.values(entryPoints)) {
    for (const [name, value] of Object.entries(exports)) {
      if (!name.endsWith('ErrorCode') || typeof value !== 'object' || value === null) continue;
      enums.set(name, Object.values(value).map(String));
    }
  }
  return enums;
}

/** The text of every file under `dir` (recursively) whose name ends with `suffix`. */
function readAll(dir: string, suffix: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix))
    .map((file) => ({ file: join(dir, file), text: readFileSync(join(dir, file), 'utf8') }));
}

const sources = readdirSync(join(root, 'packages')).flatMap((pkg) => {
  try {
    return readAll(join(root, 'packages', pkg, 'src'), '.ts');
  } catch {
    return []; // a package without src/
  }
});
const docs = readAll(join(root, 'docs'), '.md');
const docsText = docs.map((doc) => doc.text).join('\n');

describe('the docs and the error-code enums', () => {
  const enums = errorCodeEnums();
  const codes = new Set([...enums.values()].flat());

  it('every error-code enum in the sources is exported by a public entry point, and so checked here', () => {
    const declared = sources.flatMap(({ text }) =>
      [...text.matchAll(/^export const (\w+ErrorCode) = \{/gm)].map((match) => match[1]!),
    );
    expect(declared.length).toBeGreaterThanOrEqual(8);
    expect(declared.filter((name) => !enums.has(name))).toEqual([]);
    for (const [name, values] of enums) {
      expect({ name, invalid: values.filter((code) => !/^KRATOS_[A-Z_]+$/.test(code)) }).toEqual({
        name,
        invalid: [],
      });
    }
  });

  it('every error code appears somewhere in docs/*.md', () => {
    const documented = new Set(docsText.match(/KRATOS_[A-Z_]+/g));
    const missing = [...enums].flatMap(([name, values]) =>
      values.filter((code) => !documented.has(code)).map((code) => `${name}: ${code}`),
    );
    expect(missing).toEqual([]);
  });

  it('every KRATOS_* name in docs/*.md is an error code, an export or an environment variable read', () => {
    const exported = new Set(Object.values(entryPoints).flatMap((exports) => Object.keys(exports)));
    const environment = new Set(
      sources.flatMap(({ text }) =>
        [...text.matchAll(/\benv(?:\.|\[')(KRATOS_[A-Z_]+)/g)].map((match) => match[1]!),
      ),
    );
    const unknown = docs.flatMap(({ file, text }) =>
      [...new Set(text.match(/KRATOS_[A-Z_]+/g))]
        .filter((name) => !codes.has(name) && !exported.has(name) && !environment.has(name))
        .map((name) => `${file.slice(root.length)}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
