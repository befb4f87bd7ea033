import 'server-only';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';

export const SIMILARITY_KINDS = ['LINEAR_CKA', 'DEBIASED_CKA', 'RBF_CKA'] as const;
export type SimilarityKindName = (typeof SIMILARITY_KINDS)[number];

const SimilarityQuery = graphql(`
  query Similarity($runId: ID!, $kind: SimilarityKind!, $step: Int, $otherRunId: ID, $partition: Int) {
    similarity(runId: $runId, kind: $kind, step: $step, otherRunId: $otherRunId, partition: $partition) {
      ...SimilarityHeader
      values
    }
  }
`);

const PatchQuery = graphql(`
  query PatchDiagnostics($runId: ID!, $step: Int) {
    patchDiagnostics(runId: $runId, step: $step) {
      step
      dataset
      block
      tokenCosine
      occDrop
      effectiveRank
      participationRatio
      isotropy
      uniformity
      tokenNormMean
      attentionDistance
      attentionDistanceSpatial
      attentionDistanceTemporal
      reconstructionError
      reconstructionGrid
    }
  }
`);

/** `partition`: the K whose block boundaries to read (an E2E run of a sweep has each K of it); null: the run's own. */
export async function getSimilarity(runId: string, kind: SimilarityKindName = 'LINEAR_CKA', step: number | null = null, otherRunId: string | null = null, partition: number | null = null) {
  return (await gql(SimilarityQuery, { runId, kind, step, otherRunId, partition })).similarity;
}

export async function getPatchDiagnostics(runId: string, step: number | null = null) {
  return (await gql(PatchQuery, { runId, step })).patchDiagnostics;
}
