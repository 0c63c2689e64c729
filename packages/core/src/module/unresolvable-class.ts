import { hooksOf, type Newable } from '../decorators/decorated-classes.js';
import { hookDecoratorName } from '../decorators/hooks.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { KratosError } from '../errors/kratos-error.js';

/** What a class runs as: the list of `createKratosModule` it belongs to. */
export type ClassRole = 'servers' | 'registrars' | 'hooks';

/**
 * How the module came to run a class: enlisted by its decorator (`kratosModule`, every decorated
 * class of the process) or listed by hand (`createKratosModule({ servers, registrars, hooks })`).
 */
export type Enlistment = 'decorators' | 'lists';

// Every error inversify's container throws carries this mark (InversifyCoreError.is reads it):
// reading the mark spares a dependency on @inversifyjs/core's internals, and tells inversify's
// "cannot build it" apart from an error the class's own constructor threw, which is left as it is.
const INVERSIFY_ERROR = Symbol.for('@inversifyjs/core/InversifyCoreError');

/** `true` when `error` is inversify's own, not one thrown by the user's constructor. */
export function isInversifyError(error: unknown): error is Error {
  return error instanceof Error && (error as unknown as Record<symbol, unknown>)[INVERSIFY_ERROR] === true;
}

/**
 * `KRATOS_UNRESOLVABLE_CLASS`: the container cannot bind or build a class the module runs. The
 * message names the class and its decorator (or its list), inversify's first line, and the ways
 * out; `cause` holds inversify's whole error.
 */
export function unresolvableClass(
  target: Newable,
  role: ClassRole,
  enlistment: Enlistment,
  error: Error,
): KratosError {
  const name = target.name || '(anonymous class)';
  const why = (error.message.split('\n')[0] ?? '').trim().replace(/\.$/, '');
  const metadata = /missing metadata/i.test(error.message)
    ? ' Give every constructor parameter an explicit @inject(Token): without "emitDecoratorMetadata" (and tsx and esbuild never emit it) inversify cannot tell what to inject.'
    : '';
  const message =
    enlistment === 'decorators'
      ? `Class ${name}, enlisted by ${decoratorsOf(target, role)}, cannot be built in this container: ${why}.${metadata} ` +
        'kratosModule runs every class decorated anywhere in the process, those of files imported for something else too. ' +
        `Either bind ${name} and what it injects in this container, or list what this app runs with ` +
        'container.load(createKratosModule({ servers, hooks })) instead of kratosModule: classes it does not list are ignored. ' +
        "inversify's full report is in cause."
      : `Class ${name}, listed in createKratosModule({ ${role} }), cannot be built in this container: ${why}.${metadata} ` +
        `Bind what its constructor injects in this container, or take ${name} off the list; inversify's full report is in cause.`;
  return new KratosError(KratosErrorCode.UnresolvableClass, message, { cause: error });
}

/** `@Server() on class Api`, or each hook method: `@AfterStop() on Audit.flush, @BeforeStop() on …`. */
function decoratorsOf(target: Newable, role: ClassRole): string {
  if (role === 'servers') return `@Server() on class ${target.name}`;
  if (role === 'registrars') return `@Registrar() on class ${target.name}`;
  const hooks = hooksOf(target).map(
    ({ phase, method }) => `${hookDecoratorName(phase)} on ${target.name}.${String(method)}`,
  );
  return hooks.length > 0 ? hooks.join(' and ') : `a hook decorator on class ${target.name}`;
}
