import { filterProblems } from './filters.js';
import { describeValue, hasMethods, invalidOptions } from '@kratos-ts/core';
import { DiscoveryErrorCode } from './discovery-error-codes.js';

const KNOWN_OPTIONS = new Set(['schemes', 'filters', 'emptyGrace', 'logger', 'scheduler']);

/**
 * Checks what `watchNodes` was given, all at once, so one error lists every problem.
 * @throws KratosError `KRATOS_DISCOVERY_INVALID_OPTIONS` listing every problem.
 */
export function validateNodeSetOptions(discovery: unknown, name: unknown, options: unknown): void {
  const problems: string[] = [];
  const service = typeof name === 'string' && name !== '' ? name : undefined;

  if (service === undefined) {
    problems.push(
      `the service name must be a non-empty string, got ${describeValue(name)}: pass the name the service registers under (its AppInfo.name)`,
    );
  }
  if (typeof (discovery as { watch?: unknown } | null | undefined)?.watch !== 'function') {
    problems.push(
      `the discovery (${describeValue(discovery)}) has no watch(name) method: pass a ServiceDiscovery, e.g. an InMemoryRegistry or an etcd registry`,
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    problems.push(
      `the options must be an object such as { schemes: ['http'] }, got ${describeValue(options)}`,
    );
  } else {
    checkOptions(problems, options as Record<string, unknown>);
  }

  if (problems.length > 0) {
    const subject = service === undefined ? 'The node set' : `The node set of "${service}"`;
    throw invalidOptions(DiscoveryErrorCode.InvalidOptions, subject, problems);
  }
}

function checkOptions(problems: string[], raw: Record<string, unknown>): void {
  for (const key of Object.keys(raw)) {
    if (!KNOWN_OPTIONS.has(key)) {
      problems.push(
        `unknown option "${key}": remove it or check its spelling (known: ${[...KNOWN_OPTIONS].join(', ')})`,
      );
    }
  }

  const { schemes, filters, emptyGrace, logger, scheduler } = raw;
  if (schemes === undefined) {
    problems.push(`schemes is missing: pass the endpoint schemes to keep, e.g. { schemes: ['http'] }`);
  } else if (!Array.isArray(schemes) || schemes.length === 0) {
    problems.push(
      `schemes must be a non-empty array of endpoint schemes such as ['http'] or ['grpc'], got ${describeValue(schemes)}`,
    );
  } else {
    (schemes as unknown[]).forEach((scheme, i) => {
      if (typeof scheme !== 'string' || !/^[a-z][a-z0-9+.-]*$/i.test(scheme)) {
        problems.push(
          `schemes[${i}] must be a scheme such as 'http' (no "://"), got ${describeValue(scheme)}`,
        );
      }
    });
  }

  problems.push(...filterProblems(filters));

  if (
    emptyGrace !== undefined &&
    (typeof emptyGrace !== 'number' || !Number.isFinite(emptyGrace) || emptyGrace < 0)
  ) {
    problems.push(
      `emptyGrace must be a finite number of milliseconds >= 0, got ${describeValue(emptyGrace)}: leave it out for the default (1000)`,
    );
  }

  if (logger !== undefined && !hasMethods(logger, ['debug', 'warn'])) {
    problems.push(
      `logger must be a Logger (debug() and warn() at least, e.g. a pino logger), got ${describeValue(logger)}`,
    );
  }

  if (scheduler !== undefined && !hasMethods(scheduler, ['now', 'schedule'])) {
    problems.push(
      `scheduler must be an RxJS SchedulerLike (now() and schedule()), got ${describeValue(scheduler)}: leave it out outside tests`,
    );
  }
}
