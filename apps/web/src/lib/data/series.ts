import 'server-only';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';
import type { SeriesPayload, SeriesRequest } from '../series';

const MetricSeriesQuery = graphql(`
  query MetricSeries($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {
    metricSeries: metricSeriesColumns(runIds: $runIds, keys: $keys, blocks: $blocks, fromStep: $fromStep, toStep: $toStep, maxPoints: $maxPoints) {
      ...SeriesPoints
      mins
      maxs
    }
  }
`);

const MetricKeysQuery = graphql(`
  query MetricKeys($runIds: [ID!]!) {
    metricKeys(runIds: $runIds) {
      ...MetricExtent
    }
  }
`);

/** Server-downsampled series as [step, value, min, max] tuples (min = max = value when raw). */
export async function getSeries(request: SeriesRequest): Promise<SeriesPayload[]> {
  const { metricSeries } = await gql(MetricSeriesQuery, {
    runIds: request.runIds,
    keys: request.keys,
    blocks: request.blocks.length ? request.blocks : null,
    fromStep: request.fromStep ?? null,
    toStep: request.toStep ?? null,
    maxPoints: request.maxPoints,
  });
  return metricSeries.map((s) => ({
    runId: s.runId,
    key: s.key,
    block: s.block,
    raw: !s.downsampled,
    points: s.steps.map((step, i) => {
      const value = s.values[i]!;
      return [step, value, s.mins?.[i] ?? value, s.maxs?.[i] ?? value] as [number, number, number, number];
    }),
  }));
}

export async function getMetricKeys(runIds: string[]) {
  return (await gql(MetricKeysQuery, { runIds })).metricKeys;
}
