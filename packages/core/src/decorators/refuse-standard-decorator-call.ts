import { KratosErrorCode } from '../errors/error-codes.js';
import { KratosError } from '../errors/kratos-error.js';

/**
 * What a TC39 standard decorator gets as its second argument (`ClassDecoratorContext`,
 * `ClassMethodDecoratorContext` …), as far as we read it.
 */
interface StandardDecoratorContext {
  readonly kind: string;
  readonly name?: unknown;
}

/**
 * Throws `KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED` when a decorator was called the TC39 standard way,
 * `(value, context)`, which is what TypeScript emits without `experimentalDecorators` (and what
 * esbuild, swc or Babel emit when set up for standard decorators). Our decorators, like inversify's
 * `@inject`, work on the legacy call shape only: there the second argument is a property key or
 * nothing, never an object.
 *
 * @param decorator - How the user wrote it, e.g. `@Server()`.
 * @param second - The decorator's second argument, as received.
 */
export function refuseStandardDecoratorCall(decorator: string, second: unknown): void {
  if (!isStandardDecoratorContext(second)) return;
  const name = typeof second.name === 'string' && second.name !== '' ? second.name : '(anonymous)';
  const where = second.kind === 'class' ? `class ${name}` : `${second.kind} ${name}`;
  throw new KratosError(
    KratosErrorCode.ExperimentalDecoratorsRequired,
    `${decorator} on ${where} was called as a TC39 standard decorator: this code was compiled without ` +
      `"experimentalDecorators". kratos-ts and inversify use TypeScript's experimental decorators: set ` +
      `"experimentalDecorators": true and "emitDecoratorMetadata": true in the compilerOptions of ` +
      `tsconfig.json (tsx and esbuild read them too, but emit no decorator metadata: inject with an ` +
      `explicit @inject(Token) there).`,
  );
}

function isStandardDecoratorContext(value: unknown): value is StandardDecoratorContext {
  return (
    typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
  );
}
