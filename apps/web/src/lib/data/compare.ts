import 'server-only';
import { graphql } from '@/generated/gql';
import type { MetricSelector } from '@/generated/gql/graphql';
import { StratumError } from '../api-error';
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
  query DepthProfile($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!, $partition: Int) {
    depthProfile(runIds: $runIds, cell: $cell, metric: $metric, partition: $partition) {
      runIds
      metric {
        ...ResolvedMetric
      }
      points {
        ...DepthPointSummary
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
  /** The K its block depths are read at: its own, or for an E2E run the K it shares with the blockwise items (see readAtSharedK). */
  blocks: number;
  /** The K it was built with. */
  ownBlocks: number;
  /** Every K it was evaluated at (an E2E run of a sweep: each K of the sweep). */
  partitions: number[];
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
    return { item, label: run.name, href: `/runs/${run.id}`, mode: run.mode, modelSize: run.modelSize, blocks: run.blocks, ownBlocks: run.blocks, partitions: run.partitions, runIds: [run.id], seeds: [run.seed], config: run.config, targets: gridTargets(run.evaluations) };
  }
  const { cellRuns } = await gql(CellRunsQuery, { filter: { sweepId: item.sweepId, modelSize: [item.modelSize], blocks: [item.blocks], mode: [item.mode] } });
  const runs = cellRuns.nodes;
  if (runs.length === 0) throw new StratumError('NOT_FOUND', `no runs in cell ${item.modelSize}, K=${item.blocks}, ${item.mode} of sweep ${item.sweepId}`);
  const { seed: _seed, ...config } = (runs[0]!.config ?? {}) as Record<string, unknown>;
  const short = item.mode === 'E2E' ? 'e2e' : item.mode === 'BLOCKWISE_SIMULTANEOUS' ? 'sim' : 'seq';
  return {
    item, label: `${runs[0]!.sweep?.name ?? 'sweep'}/${item.modelSize}-k${item.blocks}-${short} (${runs.length} seeds)`,
    href: `/runs?sweep=${item.sweepId}&size=${encodeURIComponent(item.modelSize)}&k=${item.blocks}&mode=${item.mode}`,
    mode: item.mode, modelSize: item.modelSize, blocks: item.blocks, ownBlocks: item.blocks, partitions: [item.blocks], runIds: runs.map((r) => r.id), seeds: runs.map((r) => r.seed), config,
    targets: gridTargets(runs.flatMap((r) => r.evaluations)),
  };
}

/**
 * An E2E run is trained once for every K of its sweep and evaluated at each: beside blockwise
 * items, read it at the first of their K it was evaluated at, so that block k means the same layers
 * on both sides (a grid cell is already read at its own K).
 */
export function readAtSharedK(its: ResolvedItem[]): ResolvedItem[] {
  const blockwiseKs = its.filter((o) => o.mode !== 'E2E').map((o) => o.blocks);
  return its.map((it) => {
    if (it.mode !== 'E2E' || it.item.type !== 'run') return it;
    const k = blockwiseKs.find((b) => it.partitions.includes(b));
    return k !== undefined && k !== it.blocks ? { ...it, blocks: k } : it;
  });
}

/** The partition to ask the API for: the K an item is read at when it is not its own, else null. */
export function partitionOf(it: ResolvedItem): number | null {
  return it.blocks !== it.ownBlocks ? it.blocks : null;
}

export async function getDepthProfile(item: CompareItem, metric: MetricSelectorVars, partition: number | null = null) {
  const vars = item.type === 'run'
    ? { runIds: [item.id], cell: null, metric: metric as MetricSelector, partition }
    : { runIds: null, cell: { sweepId: item.sweepId, modelSize: item.modelSize, blocks: item.blocks, mode: item.mode }, metric: metric as MetricSelector, partition: null };
  return (await gql(DepthProfileQuery, vars)).depthProfile;
}

export type DepthProfileResult = Awaited<ReturnType<typeof getDepthProfile>>;

/** The latest block × block linear CKA matrix of each member run that has one. */
export async function getItemMatrices(item: ResolvedItem): Promise<LabeledMatrix[]> {
  const matrices = await Promise.all(item.runIds.map((id) => getSimilarity(id, 'LINEAR_CKA', null, null, partitionOf(item))));
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
