// Typed documents for the SDK, generated from the API's printed schema (committed by the API
// package, rebuilt by `npm run build -w @stratum/api`). The output in src/generated is
// committed too, so builds work offline and review shows every change of the wire contract.
import { createRequire } from 'node:module';
import type { CodegenConfig } from '@graphql-codegen/cli';

// The fragments every client shares (the dashboard spreads them too), as @stratum/wire exports them.
const shared = createRequire(import.meta.url).resolve('@stratum/wire/shared.graphql');

const config: CodegenConfig = {
  schema: '../../apps/api/schema.graphql',
  documents: ['src/operations/**/*.graphql', shared],
  ignoreNoDocuments: false,
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        // NodeNext: relative imports need their .js extension.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
          JSONObject: 'Record<string, unknown>',
          BigInt: 'string',
          FloatColumn: 'number[]',
          IntColumn: 'number[]',
        },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
      },
    },
  },
};

export default config;
