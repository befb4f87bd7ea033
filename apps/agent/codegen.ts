// The agent protocol's typed documents, generated from the API's printed schema like the SDK's
// and the dashboard's. String documents: the daemon sends query text and needs no graphql-js.
// The output in src/protocol/generated is committed (builds work offline; review shows every
// change of the wire contract) and CI fails when it is out of date.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../api/schema.graphql',
  documents: ['src/protocol/documents/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/protocol/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        documentMode: 'string',
        // NodeNext: relative imports need their .js extension.
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>', BigInt: 'string', FloatColumn: 'number[]', IntColumn: 'number[]' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
      },
    },
  },
};

export default config;
