// Every resolver the schema is built from, and every HTTP route and background task beside it.
// Each domain module adds itself here.
import type { NonEmptyArray } from 'type-graphql';
import type { Router } from 'express';
import type { AppServices } from './context.js';
import { SystemResolver } from './system/system.resolver.js';
import { AgentResolver } from './agent/agent.resolver.js';
import { JobResolver } from './job/job.resolver.js';
import { IngestResolver } from './ingest/ingest.resolver.js';
import { ReportResolver } from './report/report.resolver.js';
import { artifactRouter } from './artifact/artifact.router.js';
import { startReaper } from './reaper/reaper.js';
import { startArtifactCollector } from './artifact/collect.js';
import { ProjectResolver } from './project/project.resolver.js';
import { SweepResolver } from './sweep/sweep.resolver.js';
import { RunConnectionResolver, RunResolver } from './run/run.resolver.js';
import { SeriesResolver } from './series/series.resolver.js';
import { GridResolver } from './grid/grid.resolver.js';
import { DepthResolver } from './depth/depth.resolver.js';
import { SimilarityResolver } from './similarity/similarity.resolver.js';
import { CompareResolver } from './compare/compare.resolver.js';
import { RegressionResolver } from './regression/regression.resolver.js';
import { SubscriptionResolver } from './subscription/subscription.resolver.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  SystemResolver,
  // The agent protocol (jobs, leases, ingestion, reports) and the dashboard's agent/queue views.
  AgentResolver,
  JobResolver,
  IngestResolver,
  ReportResolver,
  // The researcher-facing API: projects, sweeps, runs, series, grids, comparisons, regressions.
  ProjectResolver,
  SweepResolver,
  RunResolver,
  RunConnectionResolver,
  SeriesResolver,
  GridResolver,
  DepthResolver,
  SimilarityResolver,
  CompareResolver,
  RegressionResolver,
  SubscriptionResolver,
];

/** Extra HTTP routes mounted on the API's express app (path → router factory). */
export const routes: Array<{ path: string; router: (app: AppServices) => Router }> = [
  { path: '/artifacts', router: artifactRouter },
];

/** In-process background tasks (started after the server listens; stop() on shutdown). */
export const backgroundTasks: Array<(app: AppServices) => { stop(): Promise<void> | void }> = [
  startReaper,
  startArtifactCollector,
];
