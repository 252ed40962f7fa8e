import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import verity from './eslint/layers.js';
import security from './eslint/security.js';

const root = fileURLToPath(new URL('.', import.meta.url));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.data/**', '.electron-natives/**', 'tests/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { verity },
    rules: {
      'verity/layers': ['error', { root }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-nocheck': true, 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='exposeInMainWorld'] > ObjectExpression > Property[key.name=/ipcRenderer|process|require/]", message: 'Never expose raw Electron or Node objects to the page.' },
      ],
    },
  },
  {
    // Issue 25 item 8: no code from strings, no raw HTML, no SQL built from strings (eslint/security.js).
    plugins: { security },
    rules: {
      'no-eval': 'error',
      'no-new-func': 'error',
      'security/no-raw-html': 'error',
      'security/no-sql-strings': 'error',
    },
  },
  {
    // electronegativity (npm run audit:electron) silently skips any file whose syntax its parser
    // lacks, and it lacks class private fields; a skipped main bundle would hide every finding.
    files: ['electron/**/*.ts', 'shared/**/*.ts'],
    ignores: ['**/*.test.ts', 'electron/host/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'PrivateIdentifier', message: 'Use TypeScript `private` instead of #private: the Electron audit cannot parse #private.' },
        { selector: "CallExpression[callee.property.name='exposeInMainWorld'] > ObjectExpression > Property[key.name=/ipcRenderer|process|require/]", message: 'Never expose raw Electron or Node objects to the page.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' } },
  },
);
