// The query cost estimate shared by both transports (HTTP through an Apollo plugin, ws in onSubscribe).
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, fieldExtensionsEstimator } from 'graphql-query-complexity';

/**
 * The cost is computed before execution coerces the variables, so a variable of the wrong type
 * (`first: "x"`) surfaces here first, as an uncoded GraphQLError: the client's mistake (400
 * BAD_USER_INPUT naming the variable), not an internal error.
 */
function withBadVariablesAsInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    // By name, not instanceof: a second copy of graphql (CJS next to ESM) makes a different class.
    const coded = error as { name?: string; message?: string; extensions?: { code?: unknown } } | null;
    if (coded?.name === 'GraphQLError' && !coded.extensions?.code) throw new GraphQLError(coded.message ?? 'invalid variables', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    throw error;
  }
}

/**
 * Lists without pagination arguments, counted at a realistic size (a sweep's runs, a run's
 * evaluations): otherwise nesting them costs 1 each and one query could return the database.
 */
const UNPAGINATED_LISTS = new Set(['Project.sweeps', 'Sweep.runs', 'Run.evaluations', 'Baseline.runs']);
export const UNPAGINATED_LIST_SIZE = 100;

/** Throws QUERY_TOO_COMPLEX when the operation's estimated cost exceeds the limit. */
export function assertCostWithin(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined | null, limit: number): void {
  const complexity = withBadVariablesAsInput(() => getComplexity({
    schema,
    query: document,
    variables,
    ...(operationName ? { operationName } : {}),
    estimators: [
      fieldExtensionsEstimator(),
      ({ type, field, childComplexity }) => UNPAGINATED_LISTS.has(`${type.name}.${field.name}`)
        ? 1 + UNPAGINATED_LIST_SIZE * Math.max(childComplexity, 1) / 10
        : undefined,
      // Lists multiply what is selected under them by the page size asked for.
      ({ args, childComplexity }) => {
        const n = [args.first, args.last, args.limit, args.maxPoints].find((v) => typeof v === 'number') as number | undefined;
        return n === undefined ? undefined : 1 + Math.min(n, 10_000) * Math.max(childComplexity, 1) / 10;
      },
      simpleEstimator({ defaultComplexity: 1 }),
    ],
  }));
  if (complexity > limit) {
    throw new GraphQLError(`query cost ${Math.round(complexity)} exceeds the limit of ${limit}; ask for fewer items or fields`, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
  }
}
