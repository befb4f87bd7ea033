import 'server-only';
import { graphql } from '@/generated/gql';
import { gql } from '../graphql';

const ProjectsQuery = graphql(`
  query Projects {
    projects(first: 200) {
      id
      name
      description
      runCount
      createdAt
      sweeps {
        id
      }
    }
  }
`);

const SweepsQuery = graphql(`
  query RecentSweeps($first: Int!, $project: String) {
    sweeps(first: $first, project: $project) {
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
  }
`);

export async function getProjects() {
  return (await gql(ProjectsQuery)).projects;
}

export async function getSweeps(first = 10, project?: string) {
  return (await gql(SweepsQuery, { first, project: project ?? null })).sweeps;
}
