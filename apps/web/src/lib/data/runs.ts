import 'server-only';
import { graphql } from '@/generated/gql';
import type { EvaluationKind, RunFilter } from '@/generated/gql/graphql';
import { gql } from '../graphql';
import type { RunRow } from '../runs-view';
import { apiOrder, type RunsQueryState } from '../runs-filter';
import { columnId, columnOptions, finalValue, type MetricColumn } from '../run-columns';

const RunsPageQuery = graphql(`
  query RunsPage(
    $filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String, $withCount: Boolean!,
    $withMetrics: Boolean!, $metricKinds: [EvaluationKind!], $metrics: [String!], $metricTargets: [String!]
  ) {
    runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount @include(if: $withCount)
      pageInfo {
        endCursor
        hasNextPage
      }
      nodes {
        id
        name
        status
        mode
        modelSize
        blocks
        seed
        dataset
        tags
        sweepId
        sweep {
          name
        }
        createdAt
        startedAt
        finishedAt
        evaluations(filter: { latestOnly: true, depthUnit: BLOCK, kind: $metricKinds, metric: $metrics, target: $metricTargets }) @include(if: $withMetrics) {
          ...EvaluationValue
        }
      }
    }
  }
`);

/** The evaluation keys a few of the matching runs report: what the table offers as metric columns. */
const ColumnOptionsQuery = graphql(`
  query RunsColumnOptions($filter: RunFilter) {
    runs(filter: $filter, first: 5, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes {
        evaluations(filter: { latestOnly: true, depthUnit: BLOCK }) {
          kind
          metric
          target
        }
      }
    }
  }
`);

/** The server renders the first 200 rows; the table fetches the rest 500 at a time. */
export const FIRST_PAGE_SIZE = 200;
export const RUNS_PAGE_SIZE = 500;

export async function getRunsPage(state: RunsQueryState, after: string | null, withCount: boolean, first = RUNS_PAGE_SIZE) {
  const { runs } = await gql(RunsPageQuery, {
    filter: state.filter as RunFilter,
    orderBy: apiOrder(state),
    first,
    after,
    withCount,
    withMetrics: state.columns.length > 0,
    metricKinds: [...new Set(state.columns.map((c) => c.kind))] as EvaluationKind[],
    metrics: [...new Set(state.columns.map((c) => c.metric))],
    metricTargets: [...new Set(state.columns.map((c) => c.target))],
  });
  const rows: RunRow[] = runs.nodes.map((r) => ({
    id: r.id, name: r.name, status: r.status, mode: r.mode, modelSize: r.modelSize, blocks: r.blocks, seed: r.seed,
    dataset: r.dataset, tags: r.tags, sweepId: r.sweepId, sweepName: r.sweep?.name ?? null,
    createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
    metrics: Object.fromEntries(state.columns.map((c) => [columnId(c), finalValue(r.evaluations ?? [], c)])),
  }));
  return { rows, endCursor: runs.pageInfo.endCursor, hasNextPage: runs.pageInfo.hasNextPage, totalCount: runs.totalCount ?? null };
}

/** Metric columns the matching runs can show (from their newest few runs that report evaluations). */
export async function getColumnOptions(state: RunsQueryState): Promise<MetricColumn[]> {
  const { runs } = await gql(ColumnOptionsQuery, { filter: { ...state.filter, status: ['SUCCEEDED', 'RUNNING'] } as RunFilter });
  return columnOptions(runs.nodes.flatMap((r) => r.evaluations));
}
