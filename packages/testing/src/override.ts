import { KratosError } from '@kratos-ts/core';
import type { BindToFluentSyntax, Container, ResolutionContext, ServiceIdentifier } from 'inversify';
import { containerState, describeToken, rebindOrBind } from './container-state.js';
import { TestingErrorCode } from './testing-error-codes.js';

/**
 * Replaces every binding of `token` in `container` with `value` (or binds it), so that everything
 * resolved afterwards gets the double: services, and the servers, registrars and hooks the kernel
 * resolves. Call it after building the app's container and before `startTestApp`/`virtualKernel`;
 * once the container's kernel was resolved it throws `KRATOS_TESTING_TOO_LATE`, and
 * `startTestApp` refuses a kernel that was resolved before an override, since the kernel's graph
 * would keep the real dependency.
 *
 * @example
 * const { container } = await createApp(config); // the app's own wiring, kratosModule loaded
 * override(container, Database, new InMemoryDatabase());
 * override(container, REGISTRAR, recordingRegistrar());
 * const app = await startTestApp(container);
 */
export function override<T>(container: Container, token: ServiceIdentifier<T>, value: T): void {
  prepareOverride(container, token).toConstantValue(value);
}

/**
 * Like `override`, with a factory called once (singleton) when `token` is first resolved, so the
 * double may use other services of the container.
 *
 * @example
 * overrideFactory(container, Mailer, (ctx) => new RecordingMailer(ctx.get(APP_INFO)));
 */
export function overrideFactory<T>(
  container: Container,
  token: ServiceIdentifier<T>,
  factory: (ctx: ResolutionContext) => T,
): void {
  prepareOverride(container, token).toDynamicValue(factory).inSingletonScope();
}

function prepareOverride<T>(container: Container, token: ServiceIdentifier<T>): BindToFluentSyntax<T> {
  const state = containerState(container);
  if (state.takenBy !== undefined || state.kernelResolutions > 0) {
    const by = state.takenBy ? `by ${state.takenBy}()` : 'by container.get()';
    throw new KratosError(
      TestingErrorCode.TooLate,
      `override(${describeToken(token)}) comes too late: this container's LifecycleKernel was already resolved (${by}), so the servers, registrars and hooks it holds keep what they got. Call override() right after building the container, before startTestApp() or virtualKernel(), and resolve nothing from the container in between.`,
    );
  }
  state.overridden.push(token);
  return rebindOrBind(container, token);
}
