import type { ExampleApp } from './app.js';

/**
 * The faults `EXAMPLE_FAULT` injects, for the tests that prove the example copes with them:
 * `close-hangs`: the app's `close()` never settles and holds an open handle, as an etcd client does
 * while etcd is frozen. Unset (always, outside those tests): the app as it is.
 */
export function withInjectedFault(app: ExampleApp, fault: string | undefined): ExampleApp {
  if (fault === undefined || fault === '') return app;
  if (fault !== 'close-hangs') throw new Error(`EXAMPLE_FAULT=${fault} is not a fault: use close-hangs`);
  return {
    ...app,
    close: async () => {
      await app.close();
      // A socket that never closes: the interval keeps the process alive as that socket would.
      setInterval(() => undefined, 1_000);
      await new Promise<never>(() => undefined);
    },
  };
}
