// Values for arguments of a live schema's operations, built from their types.
import crypto from 'node:crypto';
import { isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType } from 'graphql';

/** The smallest value of the right type: required input fields filled, lists empty, fresh UUIDs for IDs. */
export function minimalValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return minimalValue(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return Object.fromEntries(fields.map((f) => [f.name, minimalValue(f.type)]));
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int': return 1;
      case 'Float': return 1;
      case 'Boolean': return false;
      case 'JSON': case 'JSONObject': return {};
      case 'DateTime': return new Date().toISOString();
      case 'ID': return crypto.randomUUID();
      default: return 'matrix';
    }
  }
  return null;
}
