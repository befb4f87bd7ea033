// Selections shared by several of the dashboard's documents (graphql-codegen appends each
// fragment's definition to the documents that spread it). Those the SDK reads alike (SweepSummary,
// GridCellSummary, SeriesPoints, …) are @stratum/wire's shared.graphql, which codegen also reads.
import { graphql } from '@/generated/gql';

/** A reported evaluation value where it was measured: what tables and profiles read. */
export const EvaluationValueFragment = graphql(`
  fragment EvaluationValue on Evaluation {
    kind
    metric
    target
    dataset
    depthUnit
    depth
    step
    value
  }
`);
