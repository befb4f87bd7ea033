import 'server-only';
import { graphql } from '@/generated/gql';
import { StratumError } from '../api-error';
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
      ...SweepSummary
    }
  }
`);

export async function getProjects() {
  return (await gql(ProjectsQuery)).projects;
}

export async function getSweeps(first = 10, project?: string) {
  return (await gql(SweepsQuery, { first, project: project ?? null })).sweeps;
}

const ProjectByNameQuery = graphql(`
  query ProjectByName($name: String!) {
    project(name: $name) {
      id
    }
  }
`);

/** The project's id, or StratumError NOT_FOUND. */
export async function getProjectId(name: string): Promise<string> {
  const { project } = await gql(ProjectByNameQuery, { name });
  if (!project) throw new StratumError('NOT_FOUND', `project ${JSON.stringify(name)} not found`);
  return project.id;
}
