import { filterProblems } from './filters.js';
import {
  checkDuration,
  checkKnownKeys,
  checkLogger,
  checkMethods,
  checkScheduler,
  describeValue,
  invalidOptions,
} from '@kratos-ts/core/internal';
import { DiscoveryErrorCode } from './discovery-error-codes.js';

const KNOWN_OPTIONS = ['schemes', 'filters', 'emptyGrace', 'logger', 'scheduler'];

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
  checkMethods(problems, 'the discovery', discovery, ['watch'], 'a ServiceDiscovery', {
    required: true,
    hint: 'pass an InMemoryRegistry or an etcd registry, for example',
  });
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
  checkKnownKeys(problems, raw, KNOWN_OPTIONS);

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

  checkDuration(problems, 'emptyGrace', emptyGrace, {
    zero: true,
    hint: 'leave it out for the default (1000)',
  });
  checkLogger(problems, 'logger', logger);
  checkScheduler(problems, 'scheduler', scheduler);
}
