import 'server-only';
import { graphql } from '@/generated/gql';
import type { RunFilter } from '@/generated/gql/graphql';
import { gql } from '../graphql';
import type { RunRow } from '../runs-view';
import { apiOrder, type RunsQueryState } from '../runs-filter';

const RunsPageQuery = graphql(`
  query RunsPage($filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String, $withCount: Boolean!) {
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
  });
  const rows: RunRow[] = runs.nodes.map((r) => ({
    id: r.id, name: r.name, status: r.status, mode: r.mode, modelSize: r.modelSize, blocks: r.blocks, seed: r.seed,
    dataset: r.dataset, tags: r.tags, sweepId: r.sweepId, sweepName: r.sweep?.name ?? null,
    createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  }));
  return { rows, endCursor: runs.pageInfo.endCursor, hasNextPage: runs.pageInfo.hasNextPage, totalCount: runs.totalCount ?? null };
}
