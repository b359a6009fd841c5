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
  {
    // The LAN API's routes go through the branch service's commands and read models, the one
    // write path (decision record 0002): they never reach the engine or the store themselves.
    files: ['server/http/**/*.ts', 'server/**/routes.ts', 'server/**/*-routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/core/engine', '**/core/engine.js'], message: 'Routes call the branch service (server/branch-service.ts), not the queue engine.' },
            { group: ['**/db/*'], allowTypeImports: true, message: 'Routes read and write through the branch service, not the database.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name=/^(engine|store|runner)$/][object.name='service']",
          message: 'Routes call the branch service\'s commands and read models, never its engine or store.',
        },
        {
          selector: "MemberExpression[property.name=/^(engine|store|runner)$/][object.property.name='service']",
          message: 'Routes call the branch service\'s commands and read models, never its engine or store.',
        },
      ],
    },
  },
);
