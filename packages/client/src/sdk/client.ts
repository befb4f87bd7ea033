// The typed SDK: createClient({ url, token }) → a client whose methods are the API's operations,
// typed from documents generated out of the API's schema. Queries and the mutations the API
// documents as idempotent retry on network failures with backoff; every failure is a
// StratumError carrying the API's code. Long results page: `runs()` walks the Relay connection
// and `series()` walks step windows, both as async iterators, so nothing large is held at once.
import type { Client as WsClient } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { StratumError } from './errors.js';
import { isUuid, resolveRunId, resolveSweep } from '../cli/refs.js';
import { Transport, type RequestOptions, type TransportOptions } from './transport.js';
import {
  BaselineDocument, BaselinesDocument, CancelSweepDocument, CheckRegressionDocument, CompareRunsDocument, CreateSweepDocument,
  DepthProfileDocument, MetricKeysDocument, MetricSeriesDocument, RunDocument, RunsDocument, SetBaselineDocument,
  SimilarityDocument, SweepDocument, SweepGridDocument, SweepRunsDocument,
  SweepsDocument, SweepStatusDocument, SweepByNameDocument, SweepsByIdPrefixDocument, ViewerDocument,
  type BaselineSummaryFragment, type CancelSweepMutation, type CheckRegressionMutation, type CheckRegressionMutationVariables,
  type CompareRunsQuery, type CreateSweepInput, type CreateSweepMutation, type DepthProfileQuery, type DepthProfileQueryVariables,
  type MetricKeysQuery, type MetricSeriesQuery, type MetricSeriesQueryVariables, type RunFilter, type RunOrder, type RunQuery,
  type RunStatusChangedSubscription, type RunSummaryFragment, type SimilarityQuery, type SimilarityQueryVariables,
  type SweepGridQuery, type SweepGridQueryVariables, type SweepRunsQuery, type SweepStatusQuery, type SweepSummaryFragment,
  type ViewerQuery,
} from '../generated/graphql.js';
import { pageSeries, type SeriesChunk, type SeriesOptions } from './series.js';
import { listenOver, openSocket, runStatusEvents, subscribeOver, watchSweepStatus, type WatchOptions } from './subscriptions.js';

/**
 * Mutations the API documents as idempotent, so a retry after a lost answer changes nothing:
 * createSweep ("the same name and spec returns the existing sweep") and cancelRun ("cancelling a
 * cancelled run is a no-op"). Everything else that writes (checkRegression stores a report each
 * call) is sent once.
 */
export const IDEMPOTENT_MUTATIONS: readonly string[] = ['createSweep', 'cancelRun'];

export interface ClientOptions extends Omit<TransportOptions, 'idempotentMutations'> {
  url: string;
  token?: string | null;
}

export type Viewer = ViewerQuery['viewer'];
export type SweepSummary = SweepSummaryFragment;
export type SweepStatus = NonNullable<SweepStatusQuery['sweep']>;
export type SweepRuns = NonNullable<SweepRunsQuery['sweep']>;
export type RunSummary = RunSummaryFragment;
export type RunDetail = NonNullable<RunQuery['run']>;
export type MetricKeyInfo = MetricKeysQuery['metricKeys'][number];
export type MetricSeries = MetricSeriesQuery['metricSeries'][number];
export type SweepGrid = SweepGridQuery['sweepGrid'];
export type DepthProfile = DepthProfileQuery['depthProfile'];
export type SimilarityMatrix = NonNullable<SimilarityQuery['similarity']>;
export type RunComparison = CompareRunsQuery['compareRuns'];
export type Baseline = BaselineSummaryFragment;
export type RegressionReport = CheckRegressionMutation['checkRegression'];
export type RunStatusEvent = RunStatusChangedSubscription['runStatusChanged'];

export interface RunsOptions {
  orderBy?: RunOrder;
  /** Runs per request (default 200). */
  pageSize?: number;
  signal?: AbortSignal;
}

export { isUuid };
export { sweepFinished, type WatchOptions } from './subscriptions.js';
export type { SeriesChunk, SeriesOptions } from './series.js';

export class StratumClient {
  readonly transport: Transport;
  readonly url: string;
  readonly token: string | null;
  private ws: Promise<WsClient> | undefined;

  constructor(options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.transport = new Transport({ ...options, idempotentMutations: IDEMPOTENT_MUTATIONS });
  }

  /** Runs any typed document (generated, or your own via graphql-codegen) against the API. */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, options?: RequestOptions): Promise<TResult> {
    return this.transport.request(document, variables, options);
  }

  /** Releases the subscription socket, if one was opened. */
  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    await (await ws?.catch(() => undefined))?.dispose();
  }

  /** The caller as the API sees the token: role, label. */
  async viewer(options?: RequestOptions): Promise<Viewer> {
    return (await this.request(ViewerDocument, {}, options)).viewer;
  }

  // ---- sweeps ---------------------------------------------------------------------------------

  /** Declares a sweep (idempotent: the same name and spec returns the existing one, created: false). */
  async createSweep(input: CreateSweepInput, options?: RequestOptions): Promise<CreateSweepMutation['createSweep']> {
    return (await this.request(CreateSweepDocument, { input }, options)).createSweep;
  }

  async sweep(id: string, options?: RequestOptions): Promise<SweepSummary | null> {
    return (await this.request(SweepDocument, { id }, options)).sweep;
  }

  /** Sweeps, newest first, of one project or of all. */
  async sweeps(args: { project?: string; first?: number } = {}, options?: RequestOptions): Promise<SweepSummary[]> {
    return (await this.request(SweepsDocument, { ...(args.project !== undefined ? { project: args.project } : {}), first: args.first ?? 1000 }, options)).sweeps;
  }

  /** A sweep by name (within `project`, or the only one of that name), or null. */
  async sweepByName(name: string, project?: string, options?: RequestOptions): Promise<SweepSummary | null> {
    return (await this.request(SweepByNameDocument, { name, ...(project !== undefined ? { project } : {}) }, options)).sweep;
  }

  /** Sweeps whose id starts with `idPrefix` (hex digits and dashes). */
  async sweepsByIdPrefix(idPrefix: string, first = 20, options?: RequestOptions): Promise<SweepSummary[]> {
    return (await this.request(SweepsByIdPrefixDocument, { idPrefix, first }, options)).sweeps;
  }

  /**
   * A sweep by id, unique id prefix or name. Names are unique within a project; without
   * `project`, a name that several projects use is a USAGE error listing them. Missing → NOT_FOUND.
   */
  findSweep(ref: string, project?: string, options?: RequestOptions): Promise<SweepSummary> {
    return resolveSweep(this, ref, project, options);
  }

  /** A run's id from its id, unique id prefix, `sweep/run` name or unique run name. */
  findRunId(ref: string, project?: string, options?: RequestOptions): Promise<string> {
    return resolveRunId(this, ref, project, options);
  }

  /** The sweep with every run's status and its latest job's progress. */
  async sweepStatus(id: string, options?: RequestOptions): Promise<SweepStatus> {
    const sweep = (await this.request(SweepStatusDocument, { id }, options)).sweep;
    if (!sweep) throw new StratumError('NOT_FOUND', `sweep ${id} not found`);
    return sweep;
  }

  async sweepRuns(id: string, options?: RequestOptions): Promise<SweepRuns> {
    const sweep = (await this.request(SweepRunsDocument, { id }, options)).sweep;
    if (!sweep) throw new StratumError('NOT_FOUND', `sweep ${id} not found`);
    return sweep;
  }

  async cancelSweep(id: string, options?: RequestOptions): Promise<CancelSweepMutation['cancelSweep']> {
    return (await this.request(CancelSweepDocument, { id }, options)).cancelSweep;
  }

  /**
   * Follows a sweep until every run has finished: yields its status at once, then after every
   * change (a runStatusChanged event, or the poll interval, whichever comes first). Polling
   * alone still works when subscriptions are unavailable.
   */
  watchSweep(id: string, options: WatchOptions = {}): AsyncGenerator<SweepStatus, void, undefined> {
    return watchSweepStatus(this, id, options);
  }

  /** Run status changes over graphql-ws, optionally of one sweep and/or one run. */
  runStatusChanges(args: { sweepId?: string; runId?: string }): AsyncGenerator<RunStatusEvent, void, undefined> {
    return runStatusEvents(this, args);
  }

  // ---- runs -----------------------------------------------------------------------------------

  /** One page of runs (Relay connection). */
  async runsPage(args: { filter?: RunFilter; orderBy?: RunOrder; first?: number; after?: string | null }, options?: RequestOptions) {
    return (await this.request(RunsDocument, { ...(args.filter ? { filter: args.filter } : {}), ...(args.orderBy ? { orderBy: args.orderBy } : {}), first: args.first ?? 50, ...(args.after ? { after: args.after } : {}) }, options)).runs;
  }

  /** Every run matching the filter, page by page (one page in memory at a time). */
  async *runs(filter: RunFilter = {}, options: RunsOptions = {}): AsyncGenerator<RunSummary, void, undefined> {
    let after: string | null = null;
    for (;;) {
      const page = await this.runsPage({ filter, ...(options.orderBy ? { orderBy: options.orderBy } : {}), first: options.pageSize ?? 200, after }, options.signal ? { signal: options.signal } : {});
      yield* page.nodes;
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
      after = page.pageInfo.endCursor;
    }
  }

  /** A run with its config, checkpoints, latest jobs and latest evaluations; NOT_FOUND if absent. */
  async run(id: string, options?: RequestOptions): Promise<RunDetail> {
    const run = (await this.request(RunDocument, { id }, options)).run;
    if (!run) throw new StratumError('NOT_FOUND', `run ${id} not found`);
    return run;
  }

  /** Config differences, final-metric and evaluation deltas (b − a) of two runs. */
  async compareRuns(a: string, b: string, options?: RequestOptions): Promise<RunComparison> {
    return (await this.request(CompareRunsDocument, { a, b }, options)).compareRuns;
  }

  // ---- metric series ----------------------------------------------------------------------------

  /** The keys and blocks each run has logged, with their step extent and last value. */
  async metricKeys(runIds: readonly string[], options?: RequestOptions): Promise<MetricKeyInfo[]> {
    return (await this.request(MetricKeysDocument, { runIds: [...runIds] }, options)).metricKeys;
  }

  /** Series downsampled on the server to at most maxPoints buckets each (min, max and last per bucket). */
  async metricSeries(args: MetricSeriesQueryVariables, options?: RequestOptions): Promise<MetricSeries[]> {
    return (await this.request(MetricSeriesDocument, args, options)).metricSeries;
  }

  /**
   * Every raw point of the selected series, as chunks in (run, key, block, step) order, paged by
   * step windows so that no request returns more than `pagePoints` points: a window of w steps
   * holds at most w points of a series, so windows start at pagePoints steps (never downsampled)
   * and grow while the series is sparser than that.
   */
  series(options: SeriesOptions): AsyncGenerator<SeriesChunk, void, undefined> {
    return pageSeries(this, options);
  }

  // ---- analysis -------------------------------------------------------------------------------

  /** One cell per (model size, K, mode) with seed statistics (n, mean, std, 95% t-interval). */
  async sweepGrid(args: SweepGridQueryVariables, options?: RequestOptions): Promise<SweepGrid> {
    return (await this.request(SweepGridDocument, args, options)).sweepGrid;
  }

  /** A metric per block (or layer) over runs or a sweep cell, with spread over seeds. */
  async depthProfile(args: DepthProfileQueryVariables, options?: RequestOptions): Promise<DepthProfile> {
    return (await this.request(DepthProfileDocument, args, options)).depthProfile;
  }

  /** A run's block-by-block similarity (CKA) matrix; null when none was reported. */
  async similarity(args: SimilarityQueryVariables, options?: RequestOptions): Promise<SimilarityMatrix | null> {
    return (await this.request(SimilarityDocument, args, options)).similarity;
  }

  // ---- baselines and checks -------------------------------------------------------------------

  /** Creates or moves a named baseline (a sweep, or explicit runs) of a project. */
  async setBaseline(args: { project: string; name: string; sweepId?: string; runIds?: readonly string[] }, options?: RequestOptions): Promise<Baseline> {
    return (await this.request(SetBaselineDocument, { project: args.project, name: args.name, ...(args.sweepId !== undefined ? { sweepId: args.sweepId } : {}), ...(args.runIds ? { runIds: [...args.runIds] } : {}) }, options)).setBaseline;
  }

  async baselines(project: string, options?: RequestOptions): Promise<Baseline[]> {
    return (await this.request(BaselinesDocument, { project }, options)).baselines;
  }

  async baseline(project: string, name: string, options?: RequestOptions): Promise<Baseline | null> {
    return (await this.request(BaselineDocument, { project, name }, options)).baseline;
  }

  /** Checks a candidate against a baseline rule by rule (stored by the API; never retried). */
  async checkRegression(args: CheckRegressionMutationVariables, options?: RequestOptions): Promise<RegressionReport> {
    return (await this.request(CheckRegressionDocument, args, options)).checkRegression;
  }

  // ---- subscriptions --------------------------------------------------------------------------

  /**
   * Follows a subscription over graphql-ws on the same /graphql endpoint. The iterator ends when
   * the server completes it; `return()` (or breaking out of for-await) unsubscribes. Errors are
   * StratumErrors with the API's code.
   */
  subscribe<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): AsyncGenerator<TResult, void, undefined> {
    return subscribeOver(() => this.socket(), document, variables);
  }

  /**
   * Callback form of subscribe: calls `next` per event and returns an unsubscribe function that
   * takes effect at once (an async iterator's return() would wait for the next event).
   */
  listen<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, handlers: { next(data: TResult): void; error?(error: StratumError): void }): () => void {
    return listenOver(() => this.socket(), document, variables, handlers);
  }

  /** The graphql-ws client, loaded on first use (most commands never subscribe). */
  private socket(): Promise<WsClient> {
    this.ws ??= openSocket(this.transport.endpoint, this.token);
    return this.ws;
  }
}

export function createClient(options: ClientOptions): StratumClient {
  return new StratumClient(options);
}
