import { KratosError, type AppInfo, type LifecycleKernel } from '@kratos-ts/core';
import type { Container } from 'inversify';
import { filter, firstValueFrom } from 'rxjs';
import { checkEndpoints } from './check-endpoints.js';
import { ephemeralPortRange } from './ephemeral-ports.js';
import type { FakeSignals } from './fake-signals.js';
import type { FakeUncaughtErrors } from './fake-uncaught-errors.js';
import { assertLeakChecks } from './leak-check-guard.js';
import { trackTestApp } from './open-test-apps.js';
import type { LogRecord } from './recording-logger.js';
import { takeKernel } from './take-kernel.js';
import { TestingErrorCode } from './testing-error-codes.js';
import type { TimedEvent } from './timed-event.js';

/** What `startTestApp` takes besides the container. */
export interface StartTestAppOptions {
  /** The app's name in reports and errors. Default: `KratosOptions.name`, else `'app'`. */
  readonly name?: string;
  /**
   * Accept ports the OS cannot have chosen (a server on a fixed port). Default `false`: every
   * advertised port must lie in the OS's ephemeral range, which is where `port: 0` lands.
   */
  readonly allowFixedPorts?: boolean;
}

/** A running app under test. */
export interface TestApp {
  /** The container `startTestApp` was given, with the test doubles it bound. */
  readonly container: Container;
  /** The container's kernel, `running` when `startTestApp` resolves. */
  readonly kernel: LifecycleKernel;
  /** The running instance: id, name, version, metadata and the endpoints it registered. */
  readonly app: AppInfo;
  /** The signals the kernel listens to instead of the process's: `signals.emit('SIGTERM')` stops the app as a real SIGTERM would. */
  readonly signals: FakeSignals;
  /**
   * The uncaught-error source the kernel listens to instead of the process's: a real uncaught error
   * in a test reaches the test runner as usual; `uncaughtErrors.emit(error)` plays one to the app.
   */
  readonly uncaughtErrors: FakeUncaughtErrors;
  /** The exit codes the kernel would have ended the process with at once (a second signal while stopping). */
  readonly exits: readonly number[];
  /** The exit codes the kernel set for the process's end (after an uncaught error stopped the app). */
  readonly exitCodes: readonly number[];
  /** What the app logged, when `startTestApp` bound the logger (the container had no `LOGGER`); else empty. */
  readonly logs: readonly LogRecord[];
  /** Every kernel event since the start, stamped with `performance.now()`. */
  readonly events: readonly TimedEvent[];
  /** `run()`'s promise: resolves after a clean stop, rejects with the `KratosError` of a failed one. */
  readonly run: Promise<void>;
  /**
   * The first registered endpoint with this scheme (`'http'`, `'grpc'` …), e.g. `http://127.0.0.1:43121`.
   * Throws `KRATOS_TESTING_NO_ENDPOINT`, listing the endpoints there are, when none has it.
   */
  endpoint(scheme: string): string;
  /**
   * Stops the app, as a signal would, and resolves once it has stopped. Idempotent: every call
   * shares one stop. Rejects with the error `run()` ended with, if any, once (a later call, e.g.
   * your `afterEach` after a test that already saw the error, resolves).
   */
  stop(reason?: string): Promise<void>;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * Runs the container's `LifecycleKernel` for a test and resolves once it is `running`. It loads
 * nothing: give it the container your app builds (with `kratosModule` loaded), after any `override`.
 * It binds fake signals and uncaught errors instead of the process's (`app.signals`,
 * `app.uncaughtErrors`), recorders instead of `process.exit` and `process.exitCode`, and a recording
 * logger when there is no `LOGGER`.
 *
 * Rejects with `run()`'s own error when the start fails. Once running, every endpoint the app
 * registers must be on a loopback host with an OS-chosen port: otherwise the app is stopped and the
 * promise rejects with `KRATOS_TESTING_NOT_LOOPBACK` or `KRATOS_TESTING_FIXED_PORT`.
 *
 * Stop it in the test or in `afterEach`; an app a test forgets is stopped and reported when the
 * file ends (see `installLeakChecks`).
 *
 * @example
 * const app = await startTestApp(container);
 * afterEach(() => app.stop());
 * const res = await fetch(`${app.endpoint('http')}/hello`);
 */
export async function startTestApp(
  container: Container,
  options: StartTestAppOptions = {},
): Promise<TestApp> {
  assertLeakChecks();
  const { kernel, signals, uncaughtErrors, exits, exitCodes, logger } = takeKernel(
    container,
    'startTestApp',
    {
      now: () => performance.now(),
    },
  );
  const name = options.name ?? (kernel.app.name || 'app');
  const events: TimedEvent[] = [];
  kernel.events$.subscribe((event) => events.push({ at: performance.now(), event }));

  let outcome: Outcome | undefined;
  const run = kernel.run();
  const settled = run.then(
    () => void (outcome = { ok: true }),
    (error: unknown) => void (outcome = { ok: false, error }),
  );
  const untrack = trackTestApp(name, async (reason) => {
    await kernel.stop(reason);
    await settled;
  });
  void settled.then(untrack);

  const reached = await firstValueFrom(
    kernel.state$.pipe(filter((state) => state === 'running' || state === 'stopped' || state === 'failed')),
  );
  if (reached !== 'running') {
    await settled;
    if (outcome && !outcome.ok) throw outcome.error;
    throw new KratosError(
      TestingErrorCode.NotRunning,
      `Test app "${name}" stopped before it was running (it was asked to stop while starting). See its events for what asked.`,
    );
  }

  const refused = checkEndpoints(
    name,
    kernel.app.endpoints,
    ephemeralPortRange(),
    options.allowFixedPorts ?? false,
  );
  if (refused) {
    await kernel.stop(`refused by startTestApp: ${refused.code}`);
    await settled;
    throw refused;
  }

  let reported = false;
  return {
    container,
    kernel,
    app: kernel.app,
    signals,
    uncaughtErrors,
    exits,
    exitCodes,
    logs: logger?.records ?? [],
    events,
    run,
    endpoint: (scheme) => endpointOf(name, kernel.app.endpoints, scheme),
    stop: async (reason = 'test app stopped') => {
      await kernel.stop(reason);
      await settled;
      if (outcome && !outcome.ok && !reported) {
        reported = true;
        throw outcome.error;
      }
    },
  };
}

function endpointOf(name: string, endpoints: readonly string[], scheme: string): string {
  const protocol = `${scheme.replace(/:(\/\/)?$/, '')}:`;
  const found = endpoints.find(
    (endpoint) => URL.canParse(endpoint) && new URL(endpoint).protocol === protocol,
  );
  if (found !== undefined) return found;
  throw new KratosError(
    TestingErrorCode.NoEndpoint,
    `Test app "${name}" has no ${protocol}// endpoint; it registered ${endpoints.length === 0 ? 'none' : endpoints.join(', ')}. Ask for one of those schemes, or check that the server's endpoint() returns a URL.`,
  );
}
