// Imported for its effect by the package index: the forgotten-stop() check installs itself where
// the test framework's hooks are globals. Where they are not, startTestApp refuses to run until
// installLeakChecks is called (a leaked app must not pass silently), unless the check is turned off.
import { requireLeakChecks } from './leak-check-guard.js';
import { installLeakChecks, type TestHooks } from './open-test-apps.js';

interface TestGlobals extends Partial<TestHooks> {
  readonly expect?: { getState?: () => { currentTestName?: string } };
}

const globals = globalThis as TestGlobals;
const { beforeEach, afterEach, afterAll } = globals;
if (process.env.KRATOS_TESTING_NO_LEAK_CHECK === undefined) {
  if (typeof beforeEach === 'function' && typeof afterEach === 'function' && typeof afterAll === 'function') {
    installLeakChecks(
      { beforeEach, afterEach, afterAll },
      () => globals.expect?.getState?.().currentTestName,
    );
  } else {
    requireLeakChecks();
  }
}
