import { REGISTRAR, SERVER } from '@kratos-ts/core';
import type { Container } from 'inversify';
import { containerState } from './container-state.js';

/**
 * The doubles a container holds under `SERVER`, `REGISTRAR` and the tokens `override` replaced
 * (singletons: the very objects the kernel holds), for a virtual kernel to connect to its clock.
 * Best effort: a token that does not resolve is skipped.
 */
export function containerDoubles(container: Container): unknown[] {
  const tokens = [SERVER, REGISTRAR, ...containerState(container).overridden];
  return tokens.flatMap((token) => {
    try {
      return container.getAll<unknown>(token, { optional: true });
    } catch {
      return [];
    }
  });
}
