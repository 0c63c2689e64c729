import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// docs/testing.md "In your project" shows the fixture project's files, which the repository's
// tests run (user-project.int.spec.ts): each block opens with `// <its path in the fixture>`.
const read = (path: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');
const fixture = 'packages/testing/fixtures/user-project/';

function blockOf(markdown: string, path: string): string {
  const opening = new RegExp('```(?:js|ts)\\n// ' + path.replace(/\./g, '\\.') + '\\n');
  const match = opening.exec(markdown);
  if (!match) throw new Error(`docs/testing.md shows no block for ${path}`);
  const start = match.index + match[0].length;
  return markdown.slice(start, markdown.indexOf('```', start));
}

describe('docs/testing.md, In your project', () => {
  const docs = read('docs/testing.md');

  it.each(['jest.config.mjs', 'vitest.config.ts', 'test/vitest/leak-checks.setup.ts'])(
    'shows %s as committed',
    (path) => {
      expect(blockOf(docs, path)).toBe(read(fixture + path));
    },
  );

  it('states the typescript range of the ts-jest installed here', () => {
    const tsJest = JSON.parse(read('node_modules/ts-jest/package.json')) as {
      version: string;
      peerDependencies: Record<string, string>;
    };

    expect(docs).toContain(
      `ts-jest 29 (${tsJest.version} here) declares the peer dependency \`typescript ${tsJest.peerDependencies.typescript}\``,
    );
  });
});
