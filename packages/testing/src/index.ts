// The public surface of @kratos-ts/testing. Named exports only; types as `export type`.
// The forgotten-stop() check installs itself with the test framework's hooks on import.
import './auto-leak-checks.js';

export { startTestApp, type StartTestAppOptions, type TestApp } from './start-test-app.js';
export {
  installLeakChecks,
  openTestApps,
  stopTestApps,
  type OpenTestApp,
  type TestHooks,
} from './open-test-apps.js';
export { override, overrideFactory } from './override.js';
export {
  virtualKernel,
  type RunResult,
  type VirtualKernel,
  type VirtualKernelOfContainer,
  type VirtualKernelParts,
  type VirtualKernelSpec,
  type VirtualRegistrar,
  type VirtualServer,
} from './virtual-kernel.js';
export { fakeSignals, type FakeSignals } from './fake-signals.js';
export { fakeUncaughtErrors, type FakeUncaughtErrors } from './fake-uncaught-errors.js';
export { FakeServer, fakeServer, type FakeServerOptions } from './fake-server.js';
export {
  RecordingRegistrar,
  recordingRegistrar,
  type RecordingRegistrarOptions,
  type RegistrarCall,
} from './recording-registrar.js';
export { fakeHook, type FakeHook, type HookCall } from './fake-hook.js';
export { fakeKernelView, type FakeKernelView, type FakeKernelViewOptions } from './fake-kernel-view.js';
export type { FakeBehaviour, FakeStep } from './fake-behaviour.js';
export { recordingLogger, type LogRecord, type RecordingLogger } from './recording-logger.js';
export type { TimedEvent } from './timed-event.js';
export { TestingErrorCode } from './testing-error-codes.js';
