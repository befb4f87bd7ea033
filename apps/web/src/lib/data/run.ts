import 'server-only';
import { cache } from 'react';
import { graphql } from '@/generated/gql';
import { StratumError } from '../api-error';
import { gql } from '../graphql';

const RunQuery = graphql(`
  query RunDetail($id: ID!) {
    run(id: $id) {
      ...RunRecord
      agentId
      updatedAt
      divergence {
        step
        block
        quantity
        value
      }
      evaluations {
        ...EvaluationValue
        std
        ciLow
        ciHigh
      }
    }
  }
`);

/** The run or StratumError NOT_FOUND; cached per request (the page and its widgets share it). */
export const getRun = cache(async (id: string) => {
  const { run } = await gql(RunQuery, { id });
  if (!run) throw new StratumError('NOT_FOUND', `run ${id} not found`);
  return run;
});

export type RunDetail = Awaited<ReturnType<typeof getRun>>;
