import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The example in docs/testing.md is testing-guide.spec.ts, which jest compiles and runs.
const root = (path: string): string => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

function codeAfter(markdown: string, heading: string): string {
  const text = readFileSync(root(markdown), 'utf8');
  const at = text.indexOf(heading);
  if (at < 0) throw new Error(`${markdown} has no "${heading}"`);
  const start = text.indexOf('```ts\n', at) + '```ts\n'.length;
  return text.slice(start, text.indexOf('```', start));
}

describe('docs/testing.md', () => {
  it('shows exactly the compiled and tested example', () => {
    expect(codeAfter('docs/testing.md', '## A complete example')).toBe(
      readFileSync(root('packages/testing/test/docs/testing-guide.spec.ts'), 'utf8'),
    );
  });
});
