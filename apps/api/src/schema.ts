import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { authChecker } from './auth/roles.js';
import { resolvers } from './modules.js';
import type { PubSub } from 'type-graphql';

export async function createSchema(pubSub: PubSub, emitSchemaFile?: string): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    pubSub,
    validate: { forbidUnknownValues: false },
    ...(emitSchemaFile ? { emitSchemaFile: { path: emitSchemaFile, sortedSchema: true } } : {}),
  });
}
