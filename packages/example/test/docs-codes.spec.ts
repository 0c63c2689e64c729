import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@kratos-ts/core';
import * as discovery from '@kratos-ts/discovery';
import * as grpc from '@kratos-ts/grpc';
import * as http from '@kratos-ts/http';
import * as httpClient from '@kratos-ts/http/client';
import * as amqp from '@kratos-ts/amqp';
import * as consumer from '@kratos-ts/consumer';
import * as nats from '@kratos-ts/nats';
import * as etcd from '@kratos-ts/registry-etcd';
import * as telemetry from '@kratos-ts/telemetry';
import * as testing from '@kratos-ts/testing';

// The error and warning catalogues and the docs cannot drift apart (fastify's errors test does the
// same): every code of every package's error-code and warning-code enum is documented in docs/*.md,
// every warning code in the "Warnings" table of its package's page, and every KRATOS_* name the docs
// use exists. The enums are read from the packages' public entry points at run time, so a code added
// to an enum is checked at once. Each failure names the code and the doc file.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const entryPoints: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  '@kratos-ts/core': core,
  '@kratos-ts/discovery': discovery,
  '@kratos-ts/grpc': grpc,
  '@kratos-ts/http': http,
  '@kratos-ts/http/client': httpClient,
  '@kratos-ts/registry-etcd': etcd,
  '@kratos-ts/consumer': consumer,
  '@kratos-ts/amqp': amqp,
  '@kratos-ts/nats': nats,
  '@kratos-ts/telemetry': telemetry,
  '@kratos-ts/testing': testing,
};
/** The doc page of each entry point: where its warnings table is. */
const pages: Readonly<Record<string, string>> = {
  '@kratos-ts/core': 'docs/lifecycle.md',
  '@kratos-ts/discovery': 'docs/discovery.md',
  '@kratos-ts/grpc': 'docs/grpc.md',
  '@kratos-ts/http': 'docs/http.md',
  '@kratos-ts/http/client': 'docs/http.md',
  '@kratos-ts/registry-etcd': 'docs/registry.md',
  '@kratos-ts/consumer': 'docs/consumers.md',
  '@kratos-ts/amqp': 'docs/amqp.md',
  '@kratos-ts/nats': 'docs/nats.md',
  '@kratos-ts/telemetry': 'docs/observability.md',
  '@kratos-ts/testing': 'docs/testing.md',
};

type Catalogue = 'ErrorCode' | 'WarningCode';
interface CodeEnum {
  readonly name: string;
  readonly entryPoint: string;
  readonly catalogue: Catalogue;
  /** Its members: key and code. */
  readonly members: readonly (readonly [string, string])[];
}

/** Every exported `…ErrorCode` and `…WarningCode` object of every entry point. */
function codeEnums(): CodeEnum[] {
  const enums: CodeEnum[] = [];
  for (const [entryPoint, exports] of Object.entries(entryPoints)) {
    for (const [name, value] of Object.entries(exports)) {
      const catalogue = /(ErrorCode|WarningCode)$/.exec(name)?.[1] as Catalogue | undefined;
      if (catalogue === undefined || typeof value !== 'object' || value === null) continue;
      const members = Object.entries(value).map(([key, code]) => [key, String(code)] as const);
      enums.push({ name, entryPoint, catalogue, members });
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

/** The KRATOS_* codes in the first cell of the rows of a page's "Warnings" tables. */
function warningsTableCodes(text: string): Set<string> {
  const codes = new Set<string>();
  let inWarnings = false;
  for (const line of text.split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) inWarnings = /^Warnings\b/.test(heading[1]!);
    else if (inWarnings && line.startsWith('|')) {
      for (const code of line.split('|')[1]!.match(/KRATOS_[A-Z_]+/g) ?? []) codes.add(code);
    }
  }
  return codes;
}

const sources = readdirSync(join(root, 'packages')).flatMap((pkg) => {
  try {
    return readAll(join(root, 'packages', pkg, 'src'), '.ts');
  } catch {
    return []; // a package without src/
  }
});
const docs = readAll(join(root, 'docs'), '.md').map(({ file, text }) => ({
  file: file.slice(root.length),
  text,
}));
const docsText = docs.map((doc) => doc.text).join('\n');
const documented = new Set(docsText.match(/KRATOS_[A-Z_]+/g));

describe('the docs and the error- and warning-code enums', () => {
  const enums = codeEnums();
  const codesOf = (catalogue: Catalogue): Set<string> =>
    new Set(enums.filter((e) => e.catalogue === catalogue).flatMap((e) => e.members.map(([, code]) => code)));
  const errorCodes = codesOf('ErrorCode');
  const warningCodes = codesOf('WarningCode');
  const shown = (e: CodeEnum, key: string, code: string): string =>
    `${code} (${e.name}.${key}, ${e.entryPoint})`;

  it('every error- and warning-code enum in the sources is exported by a public entry point, and so checked here', () => {
    const declared = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/^export const (\w+(?:ErrorCode|WarningCode)) = \{/gm)].map(
        (match) => `${match[1]!} (${file.slice(root.length)})`,
      ),
    );
    expect(declared.length).toBeGreaterThanOrEqual(11);
    const exported = new Set(enums.map((e) => e.name));
    expect(declared.filter((entry) => !exported.has(entry.split(' ')[0]!))).toEqual([]);
    const invalid = enums.flatMap((e) =>
      e.members
        .filter(([, code]) => !/^KRATOS_[A-Z_]+$/.test(code))
        .map(([key, code]) => shown(e, key, code)),
    );
    expect(invalid).toEqual([]);
  });

  it('no code is both an error code and a warning code: a code also thrown stays an error code', () => {
    expect([...warningCodes].filter((code) => errorCodes.has(code))).toEqual([]);
  });

  it('every error code appears somewhere in docs/*.md', () => {
    const missing = enums
      .filter((e) => e.catalogue === 'ErrorCode')
      .flatMap((e) =>
        e.members
          .filter(([, code]) => !documented.has(code))
          .map(
            ([key, code]) =>
              `${shown(e, key, code)} is in no docs/*.md: document it in ${pages[e.entryPoint]}`,
          ),
      );
    expect(missing).toEqual([]);
  });

  it("every warning code is a row of the Warnings table of its package's doc page", () => {
    const missing = enums
      .filter((e) => e.catalogue === 'WarningCode')
      .flatMap((e) => {
        const page = pages[e.entryPoint]!;
        const table = warningsTableCodes(docs.find((doc) => doc.file === page)?.text ?? '');
        return e.members
          .filter(([, code]) => !table.has(code))
          .map(([key, code]) => `${shown(e, key, code)} is missing from the "Warnings" table of ${page}`);
      });
    expect(missing).toEqual([]);
  });

  it('every code in a Warnings table of docs/*.md is a warning code', () => {
    const unknown = docs.flatMap(({ file, text }) =>
      [...warningsTableCodes(text)]
        .filter((code) => !warningCodes.has(code))
        .map((code) =>
          errorCodes.has(code)
            ? `${file}: ${code} is in the Warnings table but is an error code (list it with the errors)`
            : `${file}: ${code} is in the Warnings table but is no warning code`,
        ),
    );
    expect(unknown).toEqual([]);
  });

  it('every KRATOS_* name in docs/*.md is an error or warning code, an export or an environment variable read', () => {
    const exported = new Set(Object.values(entryPoints).flatMap((exports) => Object.keys(exports)));
    const environment = new Set(
      sources.flatMap(({ text }) =>
        [...text.matchAll(/\benv(?:\.|\[')(KRATOS_[A-Z_]+)/g)].map((match) => match[1]!),
      ),
    );
    const unknown = docs.flatMap(({ file, text }) =>
      [...new Set(text.match(/KRATOS_[A-Z_]+/g))]
        .filter(
          (name) =>
            !errorCodes.has(name) && !warningCodes.has(name) && !exported.has(name) && !environment.has(name),
        )
        .map((name) => `${file}: ${name} is no error or warning code, export or environment variable`),
    );
    expect(unknown).toEqual([]);
  });
});
