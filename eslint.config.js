// ESLint (flat config): typescript-eslint's recommended rules (syntax only, no type information, so a run
// takes seconds), React hooks rules for the console's components, and eslint-config-prettier last so that
// no rule argues with Prettier about formatting.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// TypeScript in the linted folders, and the console's own build and browser-test configs (console/*.ts).
const TS = [...['src', 'test', 'bench', 'migrations', 'console/src', 'console/e2e'].flatMap((dir) => [`${dir}/**/*.ts`, `${dir}/**/*.tsx`]), 'console/*.ts'];
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];

export default defineConfig(
  {
    // Build output, reports, dependencies and files nobody writes by hand. docs/ is hand-written prose with
    // examples that are not part of the build; it is not linted.
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'dist-bench/**',
      'console/dist/**',
      'coverage/**',
      'bench/results/**',
      'console/e2e/output/**',
      'playwright-report/**',
      'test-results/**',
      '.data/**',
      'docs/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: [...TS, ...JS],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      // `_`-prefixed names are the codebase's way to say "deliberately unused" (a callback's leading
      // parameters, a destructured value left out of a rest object).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // NestJS's metadata API speaks `Function`: ExecutionContext.getHandler() returns one and Reflector and
    // Reflect.getMetadata take one, so a handler is typed as Nest types it (no narrower type accepts it).
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-function-type': 'off' },
  },
  {
    // Tests, benchmarks and browser fixtures read untyped JSON bodies all over; `any` there is a choice, not
    // an accident. Production code (src, console/src) keeps the rule.
    files: ['test/**', 'bench/**', 'console/e2e/**', '**/*.spec.ts', '**/*.spec.tsx', '**/*.e2e-spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Playwright reads a fixture's first parameter to know its dependencies: `async ({}, use) => ...` is its
    // documented way to say "none".
    files: ['console/e2e/**'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  {
    // Scripts and configs run by Node directly.
    files: JS,
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['console/src/**/*.tsx', 'console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The rules of hooks and their dependency lists, for the console's components. The React Compiler's own
    // checks (purity, refs, set-state-in-effect, …) are left out: the console is not built with the
    // compiler, and they flag patterns it relies on on purpose (a ref holding the latest handler, a clock
    // read while rendering countdowns).
    files: ['console/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  prettier,
);
