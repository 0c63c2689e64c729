import { EMPTY, concat, defer, isObservable, map, take, type Observable } from 'rxjs';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import type { ServerEntry } from './named-step.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import type { RunSession } from './run-session.js';
import { stepReport } from './step-status.js';

/**
 * Builds the instance once every server has started: the endpoints from the options when given,
 * else each server's `endpoint(signal)`, asked now so that OS-chosen ports are the real ones.
 * Asking is a step like the others: all at once, each under its server's `startTimeout`, its
 * signal aborted by a stop request or a sibling's failure (the kernel stops waiting then). A
 * failing `endpoint()` is recorded as `KRATOS_ENDPOINT_FAILED`, one that does not settle in time
 * as `KRATOS_ENDPOINT_TIMEOUT`, and the start rolls back.
 */
export function resolveEndpoints(session: RunSession): Observable<never> {
  const { options, servers, scheduler, emit } = session.ctx;
  return defer(() => {
    if (options.endpoints !== undefined) {
      recordInstance(
        session,
        options.endpoints.map((endpoint) => (endpoint instanceof URL ? endpoint.href : endpoint)),
      );
      return EMPTY;
    }
    const found = new Map<ServerEntry, string>();
    const asked = servers.filter((entry) => typeof entry.server.endpoint === 'function');
    return concat(
      runSteps(asked, {
        run: (entry, signal) =>
          askEndpoint(entry, signal, (endpoint) => {
            if (endpoint !== undefined) found.set(entry, endpoint);
          }),
        timeoutOf: (entry) => entry.startTimeout,
        // Nothing is left to undo once the kernel stops waiting for an endpoint: no grace period.
        grace: 0,
        scheduler,
        abortGroup: session.startAbort,
        onOutcome: (entry, outcome) => {
          const error = endpointError(entry, outcome);
          if (error) session.fail(error);
          emit({ type: 'endpoint', server: entry.name, ...stepReport(outcome, error) });
        },
      }),
      defer(() => {
        if (!session.halted)
          recordInstance(
            session,
            servers.flatMap((entry) => found.get(entry) ?? []),
          );
        return EMPTY;
      }),
    );
  });
}

function recordInstance(session: RunSession, endpoints: readonly string[]): void {
  const { app } = session.ctx;
  app.setEndpoints(endpoints);
  session.recordInstance(
    Object.freeze({
      id: app.id,
      name: app.name,
      version: app.version,
      metadata: app.metadata,
      endpoints: app.endpoints,
    }),
  );
}

/**
 * Asks the server for its endpoint and hands the checked answer to `found`: at once when
 * `endpoint()` answers synchronously, else once its Promise or Observable does. Throws or rejects
 * when the answer is not a URL.
 */
function askEndpoint(
  entry: ServerEntry,
  signal: AbortSignal,
  found: (endpoint: string | undefined) => void,
): unknown {
  const answer: unknown = entry.server.endpoint?.(signal);
  if (isObservable(answer))
    return answer.pipe(
      take(1),
      map((value) => found(checkEndpoint(value))),
    );
  if (isPromiseLike(answer)) return Promise.resolve(answer).then((value) => found(checkEndpoint(value)));
  found(checkEndpoint(answer));
  return undefined;
}

function endpointError(entry: ServerEntry, outcome: StepOutcome): KratosError | undefined {
  const aftermath = 'Every server was stopped and nothing was registered.';
  if (outcome.timedOut) {
    return new KratosError(
      KratosErrorCode.EndpointTimeout,
      `Server "${entry.name}" started but its endpoint() did not settle within ${entry.startTimeout} ms (startTimeout). ${aftermath} Check what endpoint() awaits and make it honour its signal, raise @Server({ startTimeout }), or set KratosOptions.endpoints.`,
      outcome.settled === 'rejected' ? { cause: outcome.error } : {},
    );
  }
  if (outcome.settled === 'rejected' && !outcome.aborted) {
    return new KratosError(
      KratosErrorCode.EndpointFailed,
      `Server "${entry.name}" started but its endpoint() failed: ${describeError(outcome.error)}. ${aftermath} Return a URL such as "http://10.0.0.5:8000", or set KratosOptions.endpoints.`,
      { cause: outcome.error },
    );
  }
  return undefined;
}

function checkEndpoint(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = value instanceof URL ? value.href : typeof value === 'string' ? value : undefined;
  if (text === undefined) throw new Error(`it returned a ${typeof value}, not a string or URL`);
  if (!URL.canParse(text)) throw new Error(`it returned "${text}", which is not a URL`);
  return text;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
