// Imported for its effect by the package index: the forgotten-stop() check installs itself where
// the test framework's hooks are globals. See installLeakChecks.
import { installLeakChecks, type TestHooks } from './open-test-apps.js';

interface TestGlobals extends Partial<TestHooks> {
  readonly expect?: { getState?: () => { currentTestName?: string } };
}

const globals = globalThis as TestGlobals;
const { beforeEach, afterEach, afterAll } = globals;
if (
  typeof beforeEach === 'function' &&
  typeof afterEach === 'function' &&
  typeof afterAll === 'function' &&
  process.env.KRATOS_TESTING_NO_LEAK_CHECK === undefined
) {
  installLeakChecks({ beforeEach, afterEach, afterAll }, () => globals.expect?.getState?.().currentTestName);
}
