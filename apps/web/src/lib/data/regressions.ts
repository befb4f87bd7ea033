import 'server-only';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';

const BaselinesQuery = graphql(`
  query Baselines($project: String!) {
    baselines(project: $project) {
      id
      name
      createdAt
      updatedAt
      sweep {
        id
        name
      }
      runIds
      checks(first: 1) {
        id
        createdAt
        passed
        failed
        insufficient
        verdicts {
          verdict
        }
      }
    }
  }
`);

const ChecksQuery = graphql(`
  query RegressionChecks($project: String!, $baseline: String!, $first: Int!) {
    regressionChecks(project: $project, baseline: $baseline, first: $first) {
      id
      createdAt
      baselineName
      candidate
      passed
      failed
      insufficient
      verdicts {
        ruleIndex
        rule
        verdict
        message
        block
        cell {
          modelSize
          blocks
          mode
        }
        metric {
          source
          key
          kind
          target
        }
        baselineMean
        baselineStd
        baselineN
        candidateMean
        candidateStd
        candidateN
        delta
        ciLow
        ciHigh
        drop
        allowedDrop
      }
    }
  }
`);

export async function getBaselines(project: string) {
  return (await gql(BaselinesQuery, { project })).baselines;
}

export async function getRegressionChecks(project: string, baseline: string, first = 10) {
  return (await gql(ChecksQuery, { project, baseline, first })).regressionChecks;
}
