import { LifecycleKernel } from '@kratos-ts/core';
import type { BindToFluentSyntax, Container, ServiceIdentifier } from 'inversify';

/** What the testing kit knows about a container it has touched. */
export interface ContainerState {
  /** How many times the container's `LifecycleKernel` was resolved since the kit first saw it. */
  kernelResolutions: number;
  /** `startTestApp` or `virtualKernel`, once one of them took the container's kernel. */
  takenBy: 'startTestApp' | 'virtualKernel' | undefined;
  /** The tokens `override` replaced, in order. */
  readonly overridden: ServiceIdentifier[];
}

const states = new WeakMap<Container, ContainerState>();

/**
 * The kit's state of `container`. The first call watches the container's `LifecycleKernel`
 * activations, so the kit can tell whether a kernel was built before or after its doubles were.
 */
export function containerState(container: Container): ContainerState {
  let state = states.get(container);
  if (!state) {
    const created: ContainerState = { kernelResolutions: 0, takenBy: undefined, overridden: [] };
    container.onActivation(LifecycleKernel, (_ctx, kernel) => {
      created.kernelResolutions += 1;
      return kernel;
    });
    states.set(container, created);
    state = created;
  }
  return state;
}

/** A token as messages show it: a class by its name, a symbol by its description, a string quoted. */
export function describeToken(token: ServiceIdentifier): string {
  if (typeof token === 'function') return token.name || 'an anonymous class';
  if (typeof token === 'symbol') return token.description ?? token.toString();
  if (typeof token === 'string') return JSON.stringify(token);
  return String(token);
}

/** Replaces every binding of `token` that `container` itself holds, or binds it when it holds none. */
export function rebindOrBind<T>(container: Container, token: ServiceIdentifier<T>): BindToFluentSyntax<T> {
  return container.isCurrentBound(token) ? container.rebind<T>(token) : container.bind<T>(token);
}
