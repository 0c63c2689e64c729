// Defect: on a fresh machine `npm test` failed unless etcd had been installed by hand (.ci/run did
// it, the README said so in a footnote). Now `npm test` provisions what its suites need first, and
// .ci/run is the README's two commands.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (path: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');

describe('npm test on a fresh machine', () => {
  it('provisions the test services before anything else', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

    expect(scripts.test?.split(' && ')[0]).toBe('node scripts/provision-test-services.mjs');
  });

  it('is all CI runs: .ci/run is `npm ci` then `npm test`', () => {
    const commands = read('.ci/run')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));

    expect(commands).toEqual(['set -euo pipefail', 'cd "$(dirname "$0")/.."', 'npm ci', 'npm test']);
  });
});
