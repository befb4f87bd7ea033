// One lint configuration for the whole workspace; each package lints all it holds (`eslint .`:
// sources, tests, benches, launchers and scripts) against it. Type-aware rules catch promises
// nobody awaits or handles; the dashboard also gets React's hooks rules and Next's own; every
// GraphQL document (the SDK's and the agent's .graphql files, the dashboard's graphql() calls) is
// checked against the API's schema.
import path from 'node:path';
import js from '@eslint/js';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const at = (...parts) => path.join(root, ...parts);
// Each client of the API has its own documents: operation and fragment names are unique, and
// fragments used, within one client. The SDK and the dashboard also read the fragments they
// share (@stratum/wire's shared.graphql), which must each be used by one of them.
const schema = at('apps/api/schema.graphql');
const shared = at('packages/wire/graphql/shared.graphql');
const sdk = at('packages/client/src/operations/**/*.graphql');
const dashboard = [at('apps/web/src/**/*.ts'), at('apps/web/src/**/*.tsx'), `!${at('apps/web/src/generated/**')}`];
const clients = {
  'packages/client': [sdk, shared],
  'apps/agent': [at('apps/agent/src/protocol/documents/**/*.graphql')],
  'apps/web': [...dashboard, shared],
  'packages/wire': [shared, sdk, ...dashboard],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/generated/**', '**/node_modules/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // Plain JavaScript: the packages' bin launchers and build scripts, which run on Node.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      // The dashboard uses the app router; this rule is about a pages/ directory it does not have.
      '@next/next/no-html-link-for-pages': 'off',
    },
  },
  {
    // The dashboard's documents live in graphql() calls: the processor lints each as a .graphql block.
    files: ['apps/web/src/**/*.ts', 'apps/web/src/**/*.tsx'],
    ignores: ['apps/web/src/generated/**'],
    processor: graphqlPlugin.processor,
  },
  ...Object.entries(clients).map(([dir, documents]) => ({
    files: [`${dir}/**/*.graphql`],
    languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema, documents } } },
    plugins: { '@graphql-eslint': graphqlPlugin },
    rules: {
      ...graphqlPlugin.configs['flat/operations-recommended'].rules,
      // For clients with a normalised cache (Apollo Client, urql); Stratum's clients keep none.
      '@graphql-eslint/require-selections': 'off',
    },
  })),
);
