// Lint rules for all workspaces: the recommended sets, plus the house rules that matter here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'cdk.out/**', 'infra/cdk.out/**', 'tests/e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Handlers receive zod-validated input typed loosely at the route boundary.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='ScanCommand']", message: 'No Scan in request paths: every access pattern goes by key or index (store/keys.ts).' },
      ],
    },
  },
  {
    // Flows are the only path to the store: a handler or an event consumer that reached the
    // store directly would re-implement part of the rules (rights, audit, one transaction).
    files: ['functions/src/http/**', 'functions/src/events/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(#store/|(\\.\\.?/)+(src/)?store/)',
              message: 'Handlers and event consumers go through a use case in functions/src/flows/, never the store.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
