// ESLint flat config: type-aware typescript-eslint on every package's sources and tests, and the
// layering between the packages (see "Layering" below).
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// Layering. A package uses another only through its name (`@kratos-ts/core`) or a subpath that
// the other's package.json `exports` declares (`@kratos-ts/example/greeter-clients`): never a
// relative path into it (`../../core/src/…`) nor a deep path (`@kratos-ts/core/src/…`, `…/dist/…`).
// Tests may in addition reach, by relative path, the shared test harnesses of other packages:
// TEST_SHARED below. No import cycle within a package's sources (import-x/no-cycle; a cycle across
// packages is already impossible: tsc -b project references cannot form one).
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter(
    (entry) =>
      entry.isDirectory() && existsSync(new URL(`./packages/${entry.name}/package.json`, import.meta.url)),
  )
  .map((entry) => entry.name);
const manifest = (dir) =>
  JSON.parse(readFileSync(new URL(`./packages/${dir}/package.json`, import.meta.url), 'utf8'));
/** `@kratos-ts/x/sub` for every subpath some package exports: the only deep imports allowed. */
const exportedSubpaths = packages.flatMap((dir) => {
  const { name, exports = {} } = manifest(dir);
  return Object.keys(exports)
    .filter((key) => key !== '.')
    .map((key) => `${name}/${key.slice(2)}`);
});
/** What a test may import by relative path from another package (absolute globs). */
const TEST_SHARED = [
  '**/packages/*/test/support/**', // each package's test helpers (etcd-http, greeter …)
  '**/packages/*/test/fixtures/**', // apps the tests spawn
  '**/packages/bench/src/fleet/**', // the fleet harness: real etcd, example instances, load
  '**/packages/bench/src/brokers/**', // real nats-server and RabbitMQ on loopback for the consumer tests
  '**/packages/bench/src/consumers/greeting-traffic.ts', // the example consumer's publisher and tally
  '**/packages/bench/src/sigterm-under-load.ts', // the SIGTERM driver shared by bench and test
];

export default tseslint.config(
  // The user-project fixture is a separate project (its own tsconfig, against the built packages).
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'packages/testing/fixtures/user-project/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['jest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Doc samples: classes found through their decorators are never referenced by name.
    files: ['packages/example/src/docs/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts', 'packages/*/test/**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      // `.js` in an import of TypeScript source is the `.ts` file; workspace packages are reached
      // through node_modules (not followed into: their own lint covers them).
      'import-x/resolver-next': [
        createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] }, symlinks: false }),
      ],
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@kratos-ts/*/**', ...exportedSubpaths.map((subpath) => `!${subpath}`)],
              message:
                "Import a workspace package by its name, or a subpath its package.json 'exports' declares.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'import-x/no-relative-packages': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['packages/*/test/**/*.ts', 'packages/*/test/**/*.mjs'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: packages.map((dir) => ({
            target: `./packages/${dir}/test/**`,
            from: packages.filter((other) => other !== dir).map((other) => `./packages/${other}/**`),
            except: TEST_SHARED,
            message: `A test imports another package by its name, or only its shared harnesses (TEST_SHARED in eslint.config.js).`,
          })),
        },
      ],
    },
  },
);
