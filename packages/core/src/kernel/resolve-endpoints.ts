import {
  EMPTY,
  catchError,
  defer,
  from,
  ignoreElements,
  isObservable,
  map,
  of,
  take,
  tap,
  type Observable,
} from 'rxjs';
import { KratosErrorCode } from '../errors/error-codes.js';
import { describeError } from '../errors/describe.js';
import { KratosError } from '../errors/kratos-error.js';
import { forkJoinAll } from './fork-join-all.js';
import type { ServerEntry } from './named-step.js';
import type { RunSession } from './run-session.js';

/**
 * Builds the instance once every server has started: the endpoints from the options when given,
 * else each server's `endpoint()`, asked now so that OS-chosen ports are the real ones.
 * A failing `endpoint()` is recorded as `KRATOS_ENDPOINT_FAILED` and the start rolls back.
 */
export function resolveEndpoints(session: RunSession): Observable<never> {
  const { options, servers, app } = session.ctx;
  return defer(() => {
    if (options.endpoints !== undefined) {
      return of(options.endpoints.map((endpoint) => (endpoint instanceof URL ? endpoint.href : endpoint)));
    }
    // Most endpoint() answers are plain strings: only the asynchronous ones go through forkJoin.
    const answers = servers.map((entry) => askEndpoint(entry));
    const pending = answers.filter(isObservable);
    if (pending.length === 0) return of(answers as (string | undefined)[]);
    return forkJoinAll(answers.map((answer) => (isObservable(answer) ? answer : of(answer))));
  }).pipe(
    tap((found) => {
      app.setEndpoints(found.filter((endpoint): endpoint is string => endpoint !== undefined));
      session.recordInstance(
        Object.freeze({
          id: app.id,
          name: app.name,
          version: app.version,
          metadata: app.metadata,
          endpoints: app.endpoints,
        }),
      );
    }),
    ignoreElements(),
    catchError((error: KratosError) => {
      session.fail(error);
      return EMPTY;
    }),
  );
}

/** The server's endpoint, checked, or an Observable of it when `endpoint()` is asynchronous. */
function askEndpoint(entry: ServerEntry): string | undefined | Observable<string | undefined> {
  const fail = (cause: unknown): never => {
    throw new KratosError(
      KratosErrorCode.EndpointFailed,
      `Server "${entry.name}" started but its endpoint() failed: ${describeError(cause)}. Every server was stopped and nothing was registered. Return a URL such as "http://10.0.0.5:8000", or set KratosOptions.endpoints.`,
      { cause },
    );
  };
  let value: unknown;
  try {
    value = entry.server.endpoint?.();
  } catch (cause) {
    return fail(cause);
  }
  if (isObservable(value) || value instanceof Promise) {
    const source: Observable<unknown> = isObservable(value)
      ? value.pipe(take(1))
      : from(value as Promise<unknown>);
    return source.pipe(
      map(checkEndpoint),
      catchError((cause: unknown): Observable<string | undefined> => fail(cause)),
    );
  }
  try {
    return checkEndpoint(value);
  } catch (cause) {
    return fail(cause);
  }
}

function checkEndpoint(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = value instanceof URL ? value.href : typeof value === 'string' ? value : undefined;
  if (text === undefined) throw new Error(`it returned a ${typeof value}, not a string or URL`);
  if (!URL.canParse(text)) throw new Error(`it returned "${text}", which is not a URL`);
  return text;
}
