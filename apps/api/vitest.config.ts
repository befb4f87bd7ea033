import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Node resolves `graphql` to its CommonJS build (as type-graphql, Apollo and graphql-ws do); Vite
// would pick the ESM build for our sources, a second realm whose schema checks (instanceof) fail.
const graphqlCjs = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own API on its own database; two at a time suits 2 cores.
    maxWorkers: 2,
  },
});
