import { hooksOf, type Newable } from '../decorators/decorated-classes.js';
import { hookDecoratorName } from '../decorators/hooks.js';
import { KratosErrorCode } from '../errors/error-codes.js';
import { invalidOptions } from '../errors/invalid-options.js';
import type { ClassRole } from './unresolvable-class.js';

/** The class lists of `createKratosModule`, as a JavaScript caller may pass them. */
export interface ClassLists {
  readonly servers?: unknown;
  readonly registrars?: unknown;
  readonly hooks?: unknown;
}

/**
 * Checks the lists of `createKratosModule` where they are written, and throws one
 * `KRATOS_INVALID_OPTIONS` listing every problem: a list that is not an array, an entry that is
 * not a class, a class in `hooks` without a hook method (it would run nothing), a listed server or
 * registrar whose hook methods would be skipped because it is not in `hooks`. Servers and
 * registrars need no decorator (their contract, `start`/`stop` or `register`/`deregister`, is
 * checked on the instances before anything starts).
 */
export function validateClassLists(lists: ClassLists): void {
  const problems: string[] = [];
  const classes = (role: ClassRole): Newable[] => {
    const list = lists[role];
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      problems.push(`${role} must be an array of classes, got ${kind(list)}`);
      return [];
    }
    return (list as unknown[]).filter((entry, index): entry is Newable => {
      if (typeof entry === 'function') return true;
      problems.push(
        `${role}[${index}] is ${kind(entry)}, not a class: list the class itself (${role}: [MyClass]), the container builds it`,
      );
      return false;
    });
  };
  const servers = classes('servers');
  const registrars = classes('registrars');
  const hooks = classes('hooks');

  for (const target of hooks) {
    if (hooksOf(target).length === 0)
      problems.push(
        `hooks lists ${target.name || 'an anonymous class'}, which has no method decorated with @BeforeStart(), @AfterStart(), @BeforeStop() or @AfterStop(): decorate its hook methods, or take it off the list`,
      );
  }
  const listedHooks = new Set(hooks);
  for (const target of [...servers, ...registrars]) {
    const skipped = hooksOf(target);
    if (skipped.length === 0 || listedHooks.has(target)) continue;
    const methods = skipped.map(({ phase, method }) => `${hookDecoratorName(phase)} ${String(method)}`);
    problems.push(
      `${target.name || 'an anonymous class'} has hook methods (${methods.join(', ')}) but is not listed in hooks, so they would not run: add it to hooks too`,
    );
  }
  if (problems.length > 0)
    throw invalidOptions(KratosErrorCode.InvalidOptions, 'createKratosModule()', problems);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object (an instance?)' : `a ${typeof value}`;
}
