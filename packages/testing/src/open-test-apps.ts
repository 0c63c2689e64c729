import { KratosError } from '@kratos-ts/core';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noteLeakChecksInstalled } from './leak-check-guard.js';
import { TestingErrorCode } from './testing-error-codes.js';

/** A test app that was started and has not stopped yet, as reports name it. */
export interface OpenTestApp {
  /** The app's name (`startTestApp`'s `name` option, else the app's own). */
  readonly name: string;
  /** The test it was started in (jest's full test name), or `undefined` outside any test (`beforeAll`). */
  readonly test: string | undefined;
  /** Where `startTestApp` was called from (`file:line:column`). */
  readonly where: string;
}

interface Tracked extends OpenTestApp {
  /** Stops the app and waits until it has settled; never rejects. */
  readonly stop: (reason: string) => Promise<void>;
  watchdog?: ReturnType<typeof setTimeout>;
}

/** The hooks of a test framework the leak checks install themselves with (jest, vitest, jasmine). */
export interface TestHooks {
  /** Registers `fn` to run before each test: the checks note which test starts apps, to name it in reports. */
  readonly beforeEach: (fn: () => unknown) => void;
  /** Registers `fn` to run after each test's own `afterEach` hooks: the checks note that the test ended. */
  readonly afterEach: (fn: () => unknown) => void;
  /** Registers `fn` to run after the file's tests: the checks stop apps left running and fail with `KRATOS_TESTING_NOT_STOPPED`. */
  readonly afterAll: (fn: () => unknown) => void;
}

const open = new Set<Tracked>();
// This package's own files, built (dist/) or, once a test runner maps stack frames through the
// source maps, its sources (src/): neither is where a test started an app.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const ownFiles = [`${packageRoot}src${sep}`, `${packageRoot}dist${sep}`];
let currentTest: string | undefined;

/** @internal Records an app `startTestApp` starts; the returned function forgets it (once it settled). */
export function trackTestApp(name: string, stop: (reason: string) => Promise<void>): () => void {
  const tracked: Tracked = { name, test: currentTest, where: caller(), stop };
  open.add(tracked);
  return () => {
    open.delete(tracked);
    if (tracked.watchdog) clearTimeout(tracked.watchdog);
  };
}

/**
 * The test apps started (in this module instance: under jest, this test file) that have not
 * stopped yet. For an `afterEach` of your own: `expect(openTestApps()).toEqual([])`.
 */
export function openTestApps(): OpenTestApp[] {
  return [...open].map(({ name, test, where }) => ({ name, test, where }));
}

/**
 * Stops every test app still open and resolves, once all have settled, with those it stopped.
 * The safety net for frameworks without the automatic check (see `installLeakChecks`).
 */
export async function stopTestApps(reason = 'stopTestApps()'): Promise<OpenTestApp[]> {
  const stopping = [...open];
  await Promise.all(stopping.map((tracked) => tracked.stop(reason)));
  return stopping.map(({ name, test, where }) => ({ name, test, where }));
}

/**
 * Installs the forgotten-`stop()` check with a test framework's root hooks. Done automatically when
 * `@kratos-ts/testing` is imported where `beforeEach`, `afterEach` and `afterAll` are globals (jest,
 * vitest with globals), unless `KRATOS_TESTING_NO_LEAK_CHECK` is set; call it yourself otherwise, e.g.
 * from a vitest setup file (until you do, `startTestApp` refuses with `KRATOS_TESTING_LEAK_CHECK_MISSING`).
 *
 * - An app started inside a test (or its `beforeEach`) must be stopped by the end of the test's
 *   `afterEach` hooks. One still running when the file's `afterAll` hooks run is stopped, and the
 *   file fails with `KRATOS_TESTING_NOT_STOPPED` naming the app, the test and the line that started it.
 * - An app started outside a test (`beforeAll`) may be stopped by a later `afterAll`; one still
 *   running `graceMs` after the checking hook is stopped, with the same report on stderr.
 *
 * Either way the app stops, so a forgotten `stop()` never keeps the test run from exiting.
 */
export function installLeakChecks(
  hooks: TestHooks,
  testName: () => string | undefined = () => undefined,
  graceMs = 2_000,
): void {
  noteLeakChecksInstalled();
  hooks.beforeEach(() => {
    currentTest = testName() ?? 'a test';
  });
  hooks.afterEach(() => {
    currentTest = undefined;
  });
  hooks.afterAll(async () => {
    currentTest = undefined;
    const leaked = [...open].filter((tracked) => tracked.test !== undefined);
    for (const tracked of open) {
      if (tracked.test === undefined && !tracked.watchdog) watch(tracked, graceMs);
    }
    if (leaked.length === 0) return;
    await Promise.all(leaked.map((tracked) => tracked.stop('never stopped by its test')));
    throw notStoppedError(leaked, 'when its test file ended');
  });
}

function watch(tracked: Tracked, graceMs: number): void {
  tracked.watchdog = setTimeout(() => {
    if (!open.has(tracked)) return;
    const report = notStoppedError([tracked], `${graceMs} ms after its test file ended`);
    process.stderr.write(`${report.code}: ${report.message}\n`);
    void tracked.stop('never stopped after its test file');
  }, graceMs);
  tracked.watchdog.unref();
}

function notStoppedError(apps: readonly OpenTestApp[], when: string): KratosError {
  const list = apps
    .map(
      ({ name, test, where }) =>
        `\n  - "${name}" started ${test ? `in test "${test}"` : 'outside any test'} at ${where}`,
    )
    .join('');
  const count = apps.length === 1 ? '1 test app was' : `${apps.length} test apps were`;
  return new KratosError(
    TestingErrorCode.NotStopped,
    `${count} still running ${when}; stopped now:${list}\nStop every app you start: afterEach(() => app.stop()) or await app.stop() in the test; to share one app across a file's tests, start it in beforeAll and stop it in afterAll.`,
  );
}

/** The first stack frame outside this package: where the app was started. */
function caller(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    const text = frame.trim().replace(/^at\s+/, '');
    const path = text.includes('file://') ? text.replace(/file:\/\/[^\s)]*/, (url) => safePath(url)) : text;
    if (notTheTest(path)) continue;
    return path.replace(/^.*\((.*)\)$/, '$1');
  }
  return 'an unknown place';
}

/** A frame of this package, of Node or of a dependency (the test runner's own frames included). */
function notTheTest(path: string): boolean {
  return (
    ownFiles.some((own) => path.includes(own)) ||
    path.includes('node:internal') ||
    path.includes('node_modules')
  );
}

function safePath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
