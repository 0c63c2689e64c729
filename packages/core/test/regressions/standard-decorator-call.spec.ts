import { describe, expect, it } from '@jest/globals';
import { Container } from 'inversify';
import {
  AfterStart,
  AfterStop,
  BeforeStart,
  BeforeStop,
  KratosErrorCode,
  LifecycleKernel,
  LOGGER,
  Registrar,
  Server,
  createKratosModule,
  isKratosError,
  kratosModule,
  silentLogger,
} from '../../src/index.js';

// Without `experimentalDecorators`, TypeScript (and esbuild, Babel 2023-11, …) call a decorator the
// TC39 way: `(value, context)`, where `context` is an object such as `{ kind: 'class', name }`. Our
// decorators took the value for an inversify-style target: `@Server()` enlisted the class with no
// complaint, and a hook decorator read `value.constructor` (which is `Function`) and enlisted
// `Function` itself as a hook class, so the app failed later with an error about `Function`. They
// now throw a coded error at once, saying how to fix the tsconfig. Each call below is the exact
// call the TC39 runtime makes.

type Decorate = (value: unknown, context: unknown) => unknown;
const standardCall = (decorator: unknown, value: unknown, context: object): (() => unknown) => {
  return () => (decorator as Decorate)(value, { addInitializer: () => undefined, metadata: {}, ...context });
};

function expectRequiresExperimentalDecorators(call: () => unknown, culprit: string): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(isKratosError(thrown)).toBe(true);
  const error = thrown as { code: string; message: string };
  expect(error.code).toBe(KratosErrorCode.ExperimentalDecoratorsRequired);
  expect(error.message).toContain(culprit);
  expect(error.message).toContain('"experimentalDecorators": true');
  expect(error.message).toContain('"emitDecoratorMetadata": true');
}

describe('a decorator called the TC39 standard way (experimentalDecorators off)', () => {
  it('@Server() throws KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED naming the class', () => {
    class Ticker {}
    expectRequiresExperimentalDecorators(
      standardCall(Server({ name: 'ticker' }), Ticker, { kind: 'class', name: 'Ticker' }),
      '@Server() on class Ticker',
    );
  });

  it('@Registrar() throws KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED naming the class', () => {
    class Consul {}
    expectRequiresExperimentalDecorators(
      standardCall(Registrar(), Consul, { kind: 'class', name: 'Consul' }),
      '@Registrar() on class Consul',
    );
  });

  it.each([
    ['BeforeStart', BeforeStart],
    ['AfterStart', AfterStart],
    ['BeforeStop', BeforeStop],
    ['AfterStop', AfterStop],
  ] as const)('@%s() throws KRATOS_EXPERIMENTAL_DECORATORS_REQUIRED naming the method', (name, decorator) => {
    function close(): void {}
    expectRequiresExperimentalDecorators(
      standardCall(decorator({ order: 1 }), close, {
        kind: 'method',
        name: 'close',
        static: false,
        private: false,
        access: { has: () => true, get: () => close },
      }),
      `@${name}() on method close`,
    );
  });

  it('enlists nothing: kratosModule and createKratosModule still resolve the kernel', () => {
    class Ticker {}
    function close(): void {}
    for (const call of [
      standardCall(Server(), Ticker, { kind: 'class', name: 'Ticker' }),
      standardCall(AfterStop(), close, { kind: 'method', name: 'close', static: false, private: false }),
    ]) {
      try {
        call();
      } catch {
        // asserted above
      }
    }
    for (const module of [kratosModule, createKratosModule()]) {
      const container = new Container();
      container.bind(LOGGER).toConstantValue(silentLogger);
      container.load(module);
      expect(container.get(LifecycleKernel)).toBeInstanceOf(LifecycleKernel);
    }
  });
});
