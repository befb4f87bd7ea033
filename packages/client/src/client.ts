// The typed SDK: createClient({ url, token }) → a client whose methods are the API's operations,
// typed from documents generated out of the API's schema. Queries and the mutations the API
// documents as idempotent retry on network failures with backoff; every failure is a
// StratumError carrying the API's code. Long results page: `runs()` walks the Relay connection
// and `series()` walks step windows, both as async iterators, so nothing large is held at once.
import { print } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { StratumError } from './errors.js';
import { isUuid, resolveRunId, resolveSweep } from './refs.js';
import { Transport, type RequestOptions, type TransportOptions } from './transport.js';
import {
  BaselineDocument, BaselinesDocument, CancelSweepDocument, CheckRegressionDocument, CompareRunsDocument, CreateSweepDocument,
  DepthProfileDocument, MetricKeysDocument, MetricSeriesDocument, RunDocument, RunsDocument, RunStatusChangedDocument,
  SeriesWindowDocument, SetBaselineDocument, SimilarityDocument, SweepDocument, SweepGridDocument, SweepRunsDocument,
  SweepsDocument, SweepStatusDocument, SweepByNameDocument, SweepsByIdPrefixDocument, ViewerDocument,
  type BaselineSummaryFragment, type CancelSweepMutation, type CheckRegressionMutation, type CheckRegressionMutationVariables,
  type CompareRunsQuery, type CreateSweepInput, type CreateSweepMutation, type DepthProfileQuery, type DepthProfileQueryVariables,
  type MetricKeysQuery, type MetricSeriesQuery, type MetricSeriesQueryVariables, type RunFilter, type RunOrder, type RunQuery,
  type RunStatusChangedSubscription, type RunSummaryFragment, type SimilarityQuery, type SimilarityQueryVariables,
  type SweepGridQuery, type SweepGridQueryVariables, type SweepRunsQuery, type SweepStatusQuery, type SweepSummaryFragment,
  type ViewerQuery,
} from './generated/graphql.js';

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

/** A run of raw points of one series (run, key, block), in step order. */
export interface SeriesChunk {
  runId: string;
  key: string;
  /** Encoder block, or null for the whole model. */
  block: number | null;
  steps: number[];
  values: number[];
}

export interface SeriesOptions {
  runIds: readonly string[];
  /** Metric keys to read; omitted: every key the runs have logged. */
  keys?: readonly string[];
  /** Blocks to read (null = whole model); omitted: every block logged for each key. */
  blocks?: ReadonlyArray<number | null>;
  fromStep?: number;
  toStep?: number;
  /** Points per request at most (2..100,000; default 10,000): the memory bound of the iterator. */
  pagePoints?: number;
  signal?: AbortSignal;
  /** Called after each page with the steps covered so far and in total (for progress bars). */
  onProgress?: (covered: number, total: number) => void;
}

export interface RunsOptions {
  orderBy?: RunOrder;
  /** Runs per request (default 200). */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface WatchOptions {
  /** Poll interval in ms (default 2000); a status event over graphql-ws wakes the loop earlier. */
  intervalMs?: number;
  /** Listen to runStatusChanged to refresh as soon as a run changes (default true). */
  subscribe?: boolean;
  signal?: AbortSignal;
}

export { isUuid };

/** Whether every run of the sweep has finished (succeeded, failed or cancelled). */
export function sweepFinished(counts: SweepSummary['statusCounts']): boolean {
  return counts.queued === 0 && counts.running === 0;
}

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
  async *watchSweep(id: string, options: WatchOptions = {}): AsyncGenerator<SweepStatus, void, undefined> {
    const intervalMs = options.intervalMs ?? 2000;
    const wake = new Wakeup();
    const abort = () => wake.fire();
    options.signal?.addEventListener('abort', abort);
    // Subscription trouble (a proxy without websockets, an older server) is ignored: polling
    // carries on alone.
    const unsubscribe = options.subscribe === false
      ? () => undefined
      : this.listen(RunStatusChangedDocument, { sweepId: id }, { next: () => wake.fire(), error: () => undefined });
    try {
      for (;;) {
        const status = await this.sweepStatus(id, options.signal ? { signal: options.signal } : {});
        yield status;
        if (sweepFinished(status.statusCounts) || options.signal?.aborted) return;
        await wake.wait(intervalMs);
      }
    } finally {
      options.signal?.removeEventListener('abort', abort);
      unsubscribe();
    }
  }

  /** Run status changes over graphql-ws, optionally of one sweep and/or one run. */
  runStatusChanges(args: { sweepId?: string; runId?: string }): AsyncGenerator<RunStatusEvent, void, undefined> {
    const generator = this.subscribe(RunStatusChangedDocument, { ...(args.sweepId !== undefined ? { sweepId: args.sweepId } : {}), ...(args.runId !== undefined ? { runId: args.runId } : {}) });
    return (async function* () {
      for await (const data of generator) yield data.runStatusChanged;
    })();
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
  async *series(options: SeriesOptions): AsyncGenerator<SeriesChunk, void, undefined> {
    const budget = Math.max(2, Math.min(100_000, Math.floor(options.pagePoints ?? 10_000)));
    const request = options.signal ? { signal: options.signal } : {};
    const order = new Map(options.runIds.map((id, index) => [id, index]));
    const wantedKeys = options.keys ? new Set(options.keys) : null;
    const wantedBlocks = options.blocks ? new Set(options.blocks) : null;
    const from = options.fromStep ?? 0;
    const to = options.toStep ?? Number.MAX_SAFE_INTEGER;
    const extents = (await this.metricKeys(options.runIds, request))
      .filter((info) => (!wantedKeys || wantedKeys.has(info.key)) && (!wantedBlocks || wantedBlocks.has(info.block)))
      .map((info) => ({ ...info, lo: Math.max(info.firstStep, from), hi: Math.min(info.lastStep, to) }))
      .filter((info) => info.lo <= info.hi)
      .sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0) || cmp(a.key, b.key) || (a.block ?? -1) - (b.block ?? -1));
    const total = extents.reduce((sum, info) => sum + (info.hi - info.lo + 1), 0);
    let covered = 0;

    // Group the blocks of one (run, key): small groups go in one request, big series alone.
    let index = 0;
    while (index < extents.length) {
      const first = extents[index] as (typeof extents)[number];
      const group = [first];
      let span = first.hi - first.lo + 1;
      while (index + group.length < extents.length) {
        const next = extents[index + group.length] as (typeof extents)[number];
        const nextSpan = next.hi - next.lo + 1;
        if (next.runId !== first.runId || next.key !== first.key || span + nextSpan > budget) break;
        group.push(next);
        span += nextSpan;
      }
      index += group.length;

      if (span <= budget) {
        const lo = Math.min(...group.map((g) => g.lo));
        const hi = Math.max(...group.map((g) => g.hi));
        const maxSpan = Math.max(...group.map((g) => g.hi - g.lo + 1));
        const page = await this.request(SeriesWindowDocument, {
          runIds: [first.runId], keys: [first.key], blocks: group.map((g) => g.block), fromStep: lo, toStep: hi, maxPoints: Math.max(2, maxSpan),
        }, request);
        const byBlock = new Map(page.metricSeries.map((s) => [s.block, s]));
        for (const g of group) {
          const s = byBlock.get(g.block);
          if (s?.downsampled) throw new StratumError('INTERNAL_SERVER_ERROR', `the API downsampled ${g.key} of run ${g.runId} although the window holds at most ${maxSpan} points`);
          const chunk = s ? clip(s, g.lo, g.hi) : null;
          if (chunk && chunk.steps.length > 0) yield chunk;
        }
        covered += span;
        options.onProgress?.(covered, total);
        continue;
      }

      for (const g of group) {
        let width = budget;
        let start = g.lo;
        while (start <= g.hi) {
          const end = Math.min(g.hi, start + width - 1);
          const page = await this.request(SeriesWindowDocument, {
            runIds: [g.runId], keys: [g.key], blocks: [g.block], fromStep: start, toStep: end, maxPoints: budget,
          }, request);
          const s = page.metricSeries[0];
          if (s?.downsampled) {
            width = Math.max(budget, Math.floor(width / 2)); // grew too far: retry a narrower window
            continue;
          }
          if (s && s.steps.length > 0) yield { runId: g.runId, key: g.key, block: g.block, steps: s.steps, values: s.values };
          covered += end - start + 1;
          options.onProgress?.(covered, total);
          start = end + 1;
          if ((s?.pointCount ?? 0) < budget / 4) width = Math.min(width * 2, 1_000_000_000);
        }
      }
    }
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
  async *subscribe<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): AsyncGenerator<TResult, void, undefined> {
    const iterator = (await this.socket()).iterate<TResult>({ query: print(document), variables: (variables ?? {}) as Record<string, unknown> });
    try {
      for await (const result of iterator) {
        if (result.errors?.length) throw subscriptionError(result.errors);
        if (result.data) yield result.data;
      }
    } catch (error) {
      throw subscriptionError(error);
    } finally {
      await iterator.return?.();
    }
  }

  /**
   * Callback form of subscribe: calls `next` per event and returns an unsubscribe function that
   * takes effect at once (an async iterator's return() would wait for the next event).
   */
  listen<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, handlers: { next(data: TResult): void; error?(error: StratumError): void }): () => void {
    let stopped = false;
    let cancel: (() => void) | undefined;
    this.socket().then((ws) => {
      if (stopped) return;
      cancel = ws.subscribe<TResult>(
        { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors?.length) handlers.error?.(subscriptionError(result.errors));
            else if (result.data) handlers.next(result.data);
          },
          error: (error) => handlers.error?.(subscriptionError(error)),
          complete: () => undefined,
        },
      );
    }, (error: unknown) => handlers.error?.(subscriptionError(error)));
    return () => {
      stopped = true;
      cancel?.();
    };
  }

  /** The graphql-ws client, loaded on first use (most commands never subscribe). */
  private socket(): Promise<WsClient> {
    this.ws ??= Promise.all([import('graphql-ws'), import('ws')]).then(([{ createClient: createWsClient }, { default: WebSocket }]) => createWsClient({
      url: this.transport.endpoint.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      lazy: true,
      retryAttempts: 5,
      shouldRetry: () => true,
    }));
    return this.ws;
  }
}

export function createClient(options: ClientOptions): StratumClient {
  return new StratumClient(options);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clip(series: { runId: string; key: string; block: number | null; steps: number[]; values: number[] }, lo: number, hi: number): SeriesChunk {
  const steps: number[] = [];
  const values: number[] = [];
  series.steps.forEach((step, i) => {
    if (step >= lo && step <= hi) {
      steps.push(step);
      values.push(series.values[i] as number);
    }
  });
  return { runId: series.runId, key: series.key, block: series.block, steps, values };
}

/** A resettable "something changed" signal with a timeout. */
class Wakeup {
  private resolve: (() => void) | undefined;
  private pending = false;

  fire(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = undefined;
      resolve();
    } else {
      this.pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = undefined;
        resolve();
      }, ms);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** graphql-ws reports GraphQL errors as an array and socket trouble as a close event. */
function subscriptionError(error: unknown): StratumError {
  if (error instanceof StratumError) return error;
  if (Array.isArray(error) && error.length > 0) {
    const errors = error.map((e: { message?: string; extensions?: { code?: unknown } }) => ({ message: e.message ?? 'subscription error', code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
    return new StratumError(errors[0]?.code ?? 'INTERNAL_SERVER_ERROR', errors[0]?.message ?? 'subscription error', { errors });
  }
  const close = error as { code?: number; reason?: string } | null;
  if (close && typeof close.code === 'number') {
    const code = close.code === 4401 || close.code === 4403 ? 'UNAUTHENTICATED' : 'NETWORK_ERROR';
    return new StratumError(code, `subscription closed (${close.code}${close.reason ? `: ${close.reason}` : ''})`);
  }
  return new StratumError('NETWORK_ERROR', (error as Error)?.message ?? String(error), { cause: error });
}
