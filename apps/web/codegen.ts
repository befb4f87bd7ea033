// Typed GraphQL documents for the dashboard, generated from the API's committed SDL.
// `npm run codegen` (also run by build and typecheck) rewrites src/generated/gql/.
import { createRequire } from 'node:module';
import type { CodegenConfig } from '@graphql-codegen/cli';

// The fragments every client shares (the SDK spreads them too), as @stratum/wire exports them.
const shared = createRequire(import.meta.url).resolve('@stratum/wire/shared.graphql');

const config: CodegenConfig = {
  // STRATUM_SCHEMA_FILE: generate against another SDL (e.g. an unreleased API branch).
  schema: process.env.STRATUM_SCHEMA_FILE ?? '../api/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/generated/**', shared],
  ignoreNoDocuments: true,
  generates: {
    'src/generated/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Plain strings on the wire: no graphql-js `print` in any bundle.
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown', BigInt: 'string', FloatColumn: 'number[]', IntColumn: 'number[]' },
      },
    },
  },
};

export default config;
