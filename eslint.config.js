import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tmp/', '.dbg-tmp*'] },
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
    // electron-builder loads its hooks with require().
    files: ['build/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The kiosk shell is a thin shell: it starts the service and shows its pages, it does not reach into them.
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../core/*', '../db/*', '../drivers/*', '../renderer/*', '../identity/*'] }],
    },
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
