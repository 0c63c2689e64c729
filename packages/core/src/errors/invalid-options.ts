import { KratosError } from './kratos-error.js';

/**
 * The one shape of an "invalid options" error, for every package: `subject` and every problem,
 * one per line, so that a single run shows everything there is to fix.
 *
 * `errors` holds one `Error` per problem, its message the problem as listed. `options.cause` keeps
 * the error a problem came from (a parser's, a library's), as the error's `cause`.
 *
 * @example
 * const problems: string[] = [];
 * if (!(timeout > 0)) problems.push(`timeout must be a number of milliseconds > 0, got ${describeValue(timeout)}`);
 * if (problems.length > 0) throw invalidOptions(HttpErrorCode.InvalidOptions, 'HttpServer "api"', problems);
 * // HttpServer "api" has invalid options:
 * //   - timeout must be a number of milliseconds > 0, got -1
 */
export function invalidOptions(
  code: string,
  subject: string,
  problems: readonly string[],
  options: { readonly cause?: unknown } = {},
): KratosError {
  return new KratosError(
    code,
    `${subject} has invalid options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    {
      ...('cause' in options ? { cause: options.cause } : {}),
      errors: problems.map((problem) => new Error(problem)),
    },
  );
}
