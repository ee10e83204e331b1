import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.vigil/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // User-authored YAML is read through core/yaml, which refuses the overlong lines the parser would spend seconds on.
    files: ['**/*.ts'],
    ignores: ['core/yaml/**', '**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'yaml',
              importNames: ['parse', 'parseDocument', 'parseAllDocuments'],
              message: 'read YAML with parseYamlDocument / parseYamlDocuments from core/yaml',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The responder console's pages: plain ES modules run by the browser, no build step.
    files: ['api/console/static/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'sessionStorage', 'fetch', 'performance', 'Node', 'URLSearchParams']
          .concat(['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'])
          .map((g) => [g, 'readonly']),
      ),
    },
  },
);
