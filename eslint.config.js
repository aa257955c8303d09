// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import architecture from './eslint-rules/architecture.js';

/**
 * Floors of src/, lowest first (docs/ARCHITECTURE.md, Layers; DESIGN.md section 2): a folder imports
 * only folders on lower floors, never one on its own floor. `architecture/layers` enforces it.
 */
const floors = [
  ['model', 'bundle'],
  ['dag', 'data', 'storage'],
  ['ops'],
  ['metadata'],
  ['cost', 'report', 'cache'],
  ['plan', 'scheduler'],
  ['runtime', 'sim'],
  ['emulator'],
  ['api'],
  ['cli'],
];

/** The pure core never reaches for I/O: it takes ports (DESIGN.md §2). */
const pureCoreRestrictions = {
  patterns: [
    { group: ['@aws-sdk/*'], message: 'Pure core: take a port instead of the AWS SDK.' },
    { group: ['ioredis'], message: 'Pure core: take a Coordinator/store port instead of ioredis.' },
  ],
  paths: [
    { name: 'node:fs', message: 'Pure core: no file system.' },
    { name: 'fs', message: 'Pure core: no file system.' },
    { name: 'node:fs/promises', message: 'Pure core: no file system.' },
    { name: 'fs/promises', message: 'Pure core: no file system.' },
    { name: 'node:worker_threads', message: 'Pure core: no threads.' },
    { name: 'worker_threads', message: 'Pure core: no threads.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-lambda/**', 'node_modules/**', 'cdk.out/**', 'coverage/**', '.wukong/**'] },
  js.configs.recommended,
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/model/**', 'src/dag/**', 'src/plan/**', 'src/scheduler/**', 'src/sim/**', 'src/cost/**'],
    rules: { 'no-restricted-imports': ['error', pureCoreRestrictions] },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.cts'],
    plugins: { architecture },
    rules: {
      'architecture/no-cycle': 'error',
      'architecture/layers': ['error', { floors, outside: { workloads: ['cli'] } }],
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read environment variables only in src/cli and lambda/.' },
      ],
    },
  },
);
