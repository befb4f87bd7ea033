// Selections shared by several of the dashboard's documents (graphql-codegen appends each
// fragment's definition to the documents that spread it).
import { graphql } from '@/generated/gql';

/** A sweep as headers and lists show it: name, project, factors and how its runs stand. */
export const SweepSummaryFragment = graphql(`
  fragment SweepSummary on Sweep {
    id
    name
    createdAt
    project {
      id
      name
    }
    factors {
      modelSizes
      blocks
      modes
      seeds
    }
    statusCounts {
      queued
      running
      succeeded
      failed
      cancelled
      total
    }
  }
`);

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
