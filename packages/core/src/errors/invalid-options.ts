import { KratosError } from './kratos-error.js';

/**
 * The one shape of an "invalid options" error, for every package: `subject` and every problem,
 * one per line, so that a single run shows everything there is to fix.
 *
 * `errors` holds one `Error` per problem, its message the problem as listed.
 *
 * @example
 * const problems: string[] = [];
 * if (!(timeout > 0)) problems.push(`timeout must be a number of milliseconds > 0, got ${describeValue(timeout)}`);
 * if (problems.length > 0) throw invalidOptions(HttpErrorCode.InvalidOptions, 'HttpServer "api"', problems);
 * // HttpServer "api" has invalid options:
 * //   - timeout must be a number of milliseconds > 0, got -1
 */
export function invalidOptions(code: string, subject: string, problems: readonly string[]): KratosError {
  return new KratosError(
    code,
    `${subject} has invalid options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    { errors: problems.map((problem) => new Error(problem)) },
  );
}
