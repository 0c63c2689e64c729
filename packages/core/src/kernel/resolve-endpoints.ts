import {
  EMPTY,
  catchError,
  defer,
  forkJoin,
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
import { KratosError, describeError } from '../errors/kratos-error.js';
import type { ServerEntry } from './named-step.js';
import type { RunSession } from './run-session.js';

/**
 * Builds the instance once every server has started: the endpoints from the options when given,
 * else each server's `endpoint()`, asked now so that OS-chosen ports are the real ones.
 * A failing `endpoint()` is recorded as `KRATOS_ENDPOINT_FAILED` and the start rolls back.
 */
export function resolveEndpoints(session: RunSession): Observable<never> {
  const { options, servers, app } = session.ctx;
  const endpoints$: Observable<(string | undefined)[]> =
    options.endpoints !== undefined
      ? of(options.endpoints.map((endpoint) => (endpoint instanceof URL ? endpoint.href : endpoint)))
      : servers.length === 0
        ? of([])
        : forkJoin(servers.map(endpointOf));
  return endpoints$.pipe(
    tap((found) => {
      app.setEndpoints(found.filter((endpoint): endpoint is string => endpoint !== undefined));
      session.instance = Object.freeze({
        id: app.id,
        name: app.name,
        version: app.version,
        metadata: app.metadata,
        endpoints: app.endpoints,
      });
    }),
    ignoreElements(),
    catchError((error: KratosError) => {
      session.errors.push(error);
      return EMPTY;
    }),
  );
}

function endpointOf(entry: ServerEntry): Observable<string | undefined> {
  return defer(() => {
    const value: unknown = entry.server.endpoint?.();
    if (isObservable(value)) return value.pipe(take(1));
    if (value instanceof Promise) return from(value as Promise<unknown>);
    return of(value);
  }).pipe(
    map((value) => {
      if (value === undefined || value === null || value === '') return undefined;
      const text = value instanceof URL ? value.href : typeof value === 'string' ? value : undefined;
      if (text === undefined) throw new Error(`it returned a ${typeof value}, not a string or URL`);
      if (!URL.canParse(text)) throw new Error(`it returned "${text}", which is not a URL`);
      return text;
    }),
    catchError((cause: unknown) => {
      throw new KratosError(
        KratosErrorCode.EndpointFailed,
        `Server "${entry.name}" started but its endpoint() failed: ${describeError(cause)}. Every server was stopped and nothing was registered. Return a URL such as "http://10.0.0.5:8000", or set KratosOptions.endpoints.`,
        { cause },
      );
    }),
  );
}
