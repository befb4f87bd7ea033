// Scalars shared by every module.
export { GraphQLJSON as JSONScalar, GraphQLDateTime as DateTimeScalar, GraphQLBigInt as BigIntScalar } from 'graphql-scalars';
