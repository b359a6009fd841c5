import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.dist-building-*/', 'data/', '.tmp/', '.dbg-tmp*'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Tests read JSON answers whose shape the assertions check.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // core/ is the pure domain: no I/O, no knowledge of SQL, HTTP or devices.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'http', 'better-sqlite3', 'fastify', 'ws', 'serialport', '../db/*', '../server/*', '../drivers/*'] },
      ],
    },
  },
  {
    // Drivers speak bytes to devices; they know nothing of tickets or queues.
    files: ['drivers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../core/*', '../../core/*', '../db/*', '../../db/*', '../server/*', '../../server/*'] }],
    },
  },
);
