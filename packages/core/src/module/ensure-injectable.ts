import { injectable } from 'inversify';
import type { Newable } from '../decorators/decorated-classes.js';

/**
 * Makes a decorated class injectable unless the user already applied `@injectable()` (inversify
 * throws when it is applied twice, and decorator order is the user's choice).
 */
export function ensureInjectable(target: Newable): void {
  try {
    injectable()(target);
  } catch (error) {
    if (!(error instanceof Error && /multiple times/.test(error.message))) throw error;
  }
}
