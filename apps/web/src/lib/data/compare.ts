import 'server-only';
import { graphql } from '@/generated/gql';
import type { MetricSelector } from '@/generated/gql/graphql';
import { ApiError } from '../api-error';
import type { CompareItem } from '../compare-items';
import { gql } from '../graphql';
import { gridTargets, type MetricSelectorVars } from '../sweep-metrics';
import { getRun } from './run';
import { getSimilarity } from './similarity';
import { meanMatrix, type LabeledMatrix } from '../matrix';

const CellRunsQuery = graphql(`
  query CellRuns($filter: RunFilter!) {
    cellRuns: runs(filter: $filter, first: 200, orderBy: { field: SEED, direction: ASC }) {
      nodes {
        id
        name
        seed
        status
        config
        sweep {
          name
        }
        evaluations(filter: { latestOnly: true }) {
          kind
          metric
          target
        }
      }
    }
  }
`);

const DepthProfileQuery = graphql(`
  query DepthProfile($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!) {
    depthProfile(runIds: $runIds, cell: $cell, metric: $metric) {
      runIds
      metric {
        key
        kind
        target
        dataset
        depthUnit
      }
      points {
        depth
        n
        mean
        std
        ciLow
        ciHigh
      }
    }
  }
`);

export interface ResolvedItem {
  item: CompareItem;
  /** Short label for legends and table headers. */
  label: string;
  href: string;
  mode: string;
  modelSize: string;
  blocks: number;
  /** Member runs (one for a run; the seeds for a cell). */
  runIds: string[];
  seeds: number[];
  /** The config to diff (a cell: its first run's, without the seed). */
  config: unknown;
  /** Evaluation targets reported, per evaluation kind (for the target selector). */
  targets: Record<string, string[]>;
}


export async function resolveItem(item: CompareItem): Promise<ResolvedItem> {
  if (item.type === 'run') {
    const run = await getRun(item.id);
    return { item, label: run.name, href: `/runs/${run.id}`, mode: run.mode, modelSize: run.modelSize, blocks: run.blocks, runIds: [run.id], seeds: [run.seed], config: run.config, targets: gridTargets(run.evaluations) };
  }
  const { cellRuns } = await gql(CellRunsQuery, { filter: { sweepId: item.sweepId, modelSize: [item.modelSize], blocks: [item.blocks], mode: [item.mode] } });
  const runs = cellRuns.nodes;
  if (runs.length === 0) throw new ApiError(`no runs in cell ${item.modelSize}, K=${item.blocks}, ${item.mode} of sweep ${item.sweepId}`, 'NOT_FOUND');
  const { seed: _seed, ...config } = (runs[0]!.config ?? {}) as Record<string, unknown>;
  const short = item.mode === 'E2E' ? 'e2e' : item.mode === 'BLOCKWISE_SIMULTANEOUS' ? 'sim' : 'seq';
  return {
    item, label: `${runs[0]!.sweep?.name ?? 'sweep'}/${item.modelSize}-k${item.blocks}-${short} (${runs.length} seeds)`,
    href: `/runs?sweep=${item.sweepId}&size=${encodeURIComponent(item.modelSize)}&k=${item.blocks}&mode=${item.mode}`,
    mode: item.mode, modelSize: item.modelSize, blocks: item.blocks, runIds: runs.map((r) => r.id), seeds: runs.map((r) => r.seed), config,
    targets: gridTargets(runs.flatMap((r) => r.evaluations)),
  };
}

export async function getDepthProfile(item: CompareItem, metric: MetricSelectorVars) {
  const vars = item.type === 'run'
    ? { runIds: [item.id], cell: null, metric: metric as MetricSelector }
    : { runIds: null, cell: { sweepId: item.sweepId, modelSize: item.modelSize, blocks: item.blocks, mode: item.mode }, metric: metric as MetricSelector };
  return (await gql(DepthProfileQuery, vars)).depthProfile;
}

export type DepthProfileResult = Awaited<ReturnType<typeof getDepthProfile>>;

/** The latest block × block linear CKA matrix of each member run that has one. */
export async function getItemMatrices(item: ResolvedItem): Promise<LabeledMatrix[]> {
  const matrices = await Promise.all(item.runIds.map((id) => getSimilarity(id, 'LINEAR_CKA', null)));
  return matrices.filter((m) => m !== null);
}

/** Element-wise mean over the item's runs (a cell's seeds), or null when shapes differ or none. */
export function itemMatrix(matrices: LabeledMatrix[]): { matrix: LabeledMatrix; n: number } | null {
  const mean = meanMatrix(matrices);
  return mean ? { matrix: mean, n: matrices.length } : null;
}

export async function getCrossCka(a: string, b: string) {
  return getSimilarity(a, 'LINEAR_CKA', null, b);
}
