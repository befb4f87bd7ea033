import 'server-only';
import { cache } from 'react';
import { graphql } from '@/generated/gql';
import type { MetricSelector } from '@/generated/gql/graphql';
import { StratumError } from '../api-error';
import { gql } from '../graphql';
import { gridTargets, type MetricSelectorVars } from '../sweep-metrics';

const SweepQuery = graphql(`
  query SweepHeader($id: ID!) {
    sweep(id: $id) {
      ...SweepSummary
    }
  }
`);

const SweepTargetsQuery = graphql(`
  query SweepTargets($sweepId: ID!) {
    runs(filter: { sweepId: $sweepId, status: [SUCCEEDED, RUNNING] }, first: 3) {
      nodes {
        evaluations(filter: { latestOnly: true }) {
          kind
          metric
          target
          dataset
        }
      }
    }
  }
`);

const SweepGridQuery = graphql(`
  query SweepGrid($sweepId: ID!, $metric: MetricSelector!, $block: Int, $at: Int) {
    sweepGrid(sweepId: $sweepId, metric: $metric, block: $block, at: $at) {
      block
      at
      modelSizes
      blocks
      modes
      seeds
      metric {
        ...ResolvedMetric
      }
      cells {
        ...GridCellSummary
      }
    }
  }
`);

export const getSweep = cache(async (id: string) => {
  const { sweep } = await gql(SweepQuery, { id });
  if (!sweep) throw new StratumError('NOT_FOUND', `sweep ${id} not found`);
  return sweep;
});

/** Evaluation targets reported by the sweep's runs, per evaluation kind. */
export async function getSweepTargets(sweepId: string): Promise<Record<string, string[]>> {
  return gridTargets(await getSweepEvaluationKeys(sweepId));
}

/** (kind, metric, target, dataset) of the evaluations of a few of the sweep's runs. */
export async function getSweepEvaluationKeys(sweepId: string): Promise<Array<{ kind: string; metric: string; target: string; dataset: string }>> {
  const { runs } = await gql(SweepTargetsQuery, { sweepId });
  return runs.nodes.flatMap((run) => run.evaluations);
}

export async function getSweepGrid(sweepId: string, metric: MetricSelectorVars, block: number | null, at: number | null) {
  return (await gql(SweepGridQuery, { sweepId, metric: metric as MetricSelector, block, at })).sweepGrid;
}

export type SweepGridResult = Awaited<ReturnType<typeof getSweepGrid>>;
