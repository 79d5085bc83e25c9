// Lint is here for the boundaries that keep versions independent and the voter pure; formatting
// and style are left to review.
import tseslint from 'typescript-eslint';
import boundaries from './tools/lint/layer-boundaries.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'voter/gen/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'no focused tests' },
        { object: 'it', property: 'only', message: 'no focused tests' },
        { object: 'describe', property: 'skip', message: 'no skipped tests' },
        { object: 'it', property: 'skip', message: 'no skipped tests' },
      ],
    },
  },
  {
    // A version may import only its contract and node: built-ins: anything shared between
    // versions is a common-mode failure that voting cannot mask.
    files: ['versions/**/*.ts'],
    ignores: ['versions/contract.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!node:|\\.\\./contract\\.js$).*',
              message: 'a version may import only ../contract.js and node: built-ins',
            },
            {
              // The ways around the rule above: loading code by path, or reading it from disk.
              regex: '^node:(module|fs|fs/promises|vm|worker_threads|child_process)$',
              message: 'a version may not load code or files at run time (node:module, node:fs, node:vm, ...)',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportExpression', message: 'a version may not import() at run time: it would bypass the import rule' },
        { selector: "CallExpression[callee.name='require']", message: 'a version may not require() at run time' },
        { selector: "CallExpression[callee.name='createRequire']", message: 'a version may not createRequire(): it would bypass the import rule' },
        { selector: "MemberExpression[object.name='process'][property.name=/^(binding|dlopen|mainModule)$/]", message: 'a version may not reach native or module internals' },
      ],
    },
  },
  {
    // One direction: edge → pipeline → runners → vote → observers (see tools/lint/layer-boundaries.js
    // and docs/architecture.md). Tests may reach inside folders; nothing else may.
    files: ['voter/**/*.ts', 'tools/**/*.ts', 'client/**/*.ts'],
    plugins: { nvote: boundaries },
    rules: { 'nvote/layer-boundaries': 'error' },
  },
);
