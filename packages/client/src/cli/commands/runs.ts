// `stratum runs ls | show` and `stratum compare A B`.
import type { Command } from 'commander';
import type { RunDetail, RunSummary } from '../../sdk/client.js';
import { StratumError } from '../../sdk/errors.js';
import type { RunFilter, RunOrderField, RunStatus, RunMode } from '../../generated/graphql.js';
import { formatDelta, formatValue } from '../../check/format.js';
import { MODE_ALIASES, RUN_MODES } from '@stratum/run-config';
import type { CliContext } from '../context.js';
import { withExamples } from '../help.js';
import { formatDuration, renderTable, toJson } from '../output.js';
import { describeProgress, projectOf } from './sweep.js';

const STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
const ORDER_FIELDS = ['CREATED_AT', 'UPDATED_AT', 'STARTED_AT', 'FINISHED_AT', 'NAME', 'SEED'] as const;

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function ints(flag: string, values: string[] | undefined): number[] | undefined {
  if (!values) return undefined;
  return values.map((v) => {
    if (!/^-?\d+$/.test(v)) throw new StratumError('USAGE', `${flag} takes integers, not "${v}"`);
    return Number(v);
  });
}

function oneOf<T extends string>(flag: string, values: string[] | undefined, allowed: readonly T[], aliases: Record<string, T> = {}): T[] | undefined {
  if (!values) return undefined;
  return values.map((v) => {
    const upper = v.toUpperCase();
    const match = (allowed as readonly string[]).includes(upper) ? (upper as T) : aliases[v.toLowerCase()];
    if (!match) throw new StratumError('USAGE', `${flag}: unknown value "${v}" (one of ${allowed.join(', ')})`);
    return match;
  });
}

/** `optimizer.lr=0.001` → { path, equals: 0.001 } (the value is JSON when it parses, else a string). */
export function configFilter(text: string): { path: string; equals: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new StratumError('USAGE', `--config takes path=value, e.g. optimizer.lr=0.001, not "${text}"`);
  const raw = text.slice(eq + 1);
  let equals: unknown = raw;
  try {
    equals = JSON.parse(raw);
  } catch {
    equals = raw;
  }
  return { path: text.slice(0, eq), equals };
}

interface LsOptions {
  project?: string; sweep?: string; status?: string[]; mode?: string[]; modelSize?: string[]; blocks?: string[]; seed?: string[];
  tag?: string[]; name?: string; config?: string[]; order?: string; limit: string; all?: boolean; json?: boolean;
}

export function registerRuns(program: Command, ctx: CliContext): void {
  const runs = withExamples(program.command('runs').description('list and inspect runs'), [
    ['stratum runs ls --sweep my-sweep', 'the runs of a sweep'],
    ['stratum runs show <run id>', 'one run in detail'],
  ]);

  withExamples(
    runs
      .command('ls')
      .description('list runs matching filters (newest first); list flags take several values, comma-separated or repeated')
      .option('-p, --project <name>', 'project (default $STRATUM_PROJECT)')
      .option('-s, --sweep <sweep>', 'sweep name or id')
      .option('--status <status...>', `any of ${STATUSES.join(', ')}`, list)
      .option('--mode <mode...>', 'E2E, BLOCKWISE_SIMULTANEOUS, BLOCKWISE_SEQUENTIAL (or e2e, simultaneous, sequential)', list)
      .option('--model-size <size...>', 'trainer presets, e.g. nano,tiny', list)
      .option('--blocks <k...>', 'K values', list)
      .option('--seed <seed...>', 'seeds', list)
      .option('--tag <tag...>', 'runs carrying all of these tags', list)
      .option('--name <text>', 'case-insensitive substring of the run name')
      .option('--config <path=value...>', 'run config field equals a JSON value, e.g. optimizer.lr=0.001', (v: string, prev: string[] = []) => [...prev, v])
      .option('--order <field[:asc|desc]>', `${ORDER_FIELDS.join(', ')} (default CREATED_AT:desc)`)
      .option('-n, --limit <n>', 'show at most n runs', '50')
      .option('--all', 'every matching run (pages through all of them)')
      .option('--json', 'print a JSON array'),
    [
      ['stratum runs ls --sweep nano-k-vs-e2e --status FAILED', 'what failed'],
      ['stratum runs ls --mode e2e,sequential --blocks 4 --seed 0', 'filter by factors'],
      ['stratum runs ls --config optimizer.lr=0.001 --all --json', 'every run with that learning rate'],
    ],
  ).action(async (options: LsOptions) => {
    const client = await ctx.client();
    const project = projectOf(ctx, options);
    const filter: RunFilter = {};
    if (project) filter.project = project;
    if (options.sweep) filter.sweepId = (await client.findSweep(options.sweep, project)).id;
    const status = oneOf<RunStatus>('--status', options.status, STATUSES);
    if (status) filter.status = status;
    const mode = oneOf<RunMode>('--mode', options.mode, RUN_MODES, MODE_ALIASES);
    if (mode) filter.mode = mode;
    if (options.modelSize) filter.modelSize = options.modelSize;
    const blocks = ints('--blocks', options.blocks);
    if (blocks) filter.blocks = blocks;
    const seeds = ints('--seed', options.seed);
    if (seeds) filter.seed = seeds;
    if (options.tag) filter.tags = options.tag;
    if (options.name) filter.nameContains = options.name;
    if (options.config) filter.config = options.config.map(configFilter);
    const limit = options.all ? Infinity : Number(options.limit);
    if (!(limit > 0)) throw new StratumError('USAGE', `--limit must be a positive integer, not "${options.limit}"`);
    let orderBy: { field: RunOrderField; direction: 'ASC' | 'DESC' } | undefined;
    if (options.order) {
      const [field = '', direction = 'desc'] = options.order.split(':');
      const f = oneOf<RunOrderField>('--order', [field], ORDER_FIELDS)?.[0] as RunOrderField;
      if (!/^(asc|desc)$/i.test(direction)) throw new StratumError('USAGE', `--order direction is asc or desc, not "${direction}"`);
      orderBy = { field: f, direction: direction.toUpperCase() as 'ASC' | 'DESC' };
    }
    const pageSize = Math.min(500, Number.isFinite(limit) ? limit : 500);
    const iterator = client.runs(filter, { pageSize, ...(orderBy ? { orderBy } : {}) });
    if (options.json) {
      // Streamed: one page in memory at a time, however many runs match.
      let count = 0;
      ctx.out('[');
      for await (const run of iterator) {
        ctx.out((count === 0 ? '\n' : ',\n') + JSON.stringify(run));
        if (++count >= limit) break;
      }
      ctx.out(count === 0 ? ']\n' : '\n]\n');
      return;
    }
    const rows: RunSummary[] = [];
    for await (const run of iterator) {
      rows.push(run);
      if (rows.length >= limit) break;
    }
    ctx.out(renderTable(['ID', 'RUN', 'SIZE', 'K', 'MODE', 'SEED', 'STATUS', 'TIME', 'CREATED'], rows.map((r) => [
      r.id, r.name, r.modelSize, r.blocks, r.mode, r.seed, r.status, formatDuration(r.durationSeconds), r.createdAt.slice(0, 19).replace('T', ' '),
    ])));
    const total = (await client.runsPage({ filter, first: 1 })).totalCount;
    if (total > rows.length) ctx.out(`(${rows.length} of ${total} runs; --limit or --all for more)\n`);
  });

  withExamples(
    runs
      .command('show')
      .description('a run in detail: config, status, timings, agent, checkpoints, latest evaluations')
      .argument('<run>', 'run id, unique id prefix, or name (sweep/run, or the run name when unique)')
      .option('-p, --project <name>', 'look names up in this project (default $STRATUM_PROJECT)')
      .option('--json', 'print JSON'),
    [['stratum runs show 3f1c', 'one run, by the start of its id'], ['stratum runs show paper-mini/e2e-s0', 'by sweep/run name']],
  ).action(async (ref: string, options: { json?: boolean; project?: string }) => {
    const client = await ctx.client();
    const run = await client.run(await client.findRunId(ref, projectOf(ctx, options)));
    ctx.out(options.json ? toJson(run) : renderRun(run));
  });

  withExamples(
    program
      .command('compare')
      .description('two runs side by side: config fields that differ, final training metrics and latest evaluations, deltas b − a')
      .argument('<a>', 'run id, unique id prefix, or name (sweep/run)')
      .argument('<b>', 'run id, unique id prefix, or name (sweep/run)')
      .option('-p, --project <name>', 'look names up in this project (default $STRATUM_PROJECT)')
      .option('--json', 'print JSON'),
    [['stratum compare 3f1c 9a2e', 'what differs between two runs, by the start of their ids'], ['stratum compare paper-mini/e2e-k2-s0 paper-mini/sim-k2-s0', 'by name']],
  ).action(async (a: string, b: string, options: { json?: boolean; project?: string }) => {
    const client = await ctx.client();
    const project = projectOf(ctx, options);
    const comparison = await client.compareRuns(await client.findRunId(a, project), await client.findRunId(b, project));
    if (options.json) {
      ctx.out(toJson(comparison));
      return;
    }
    const show = (value: unknown) => (value === undefined || value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value));
    let text = `A ${comparison.a.name} (${comparison.a.id}, ${comparison.a.status})\nB ${comparison.b.name} (${comparison.b.id}, ${comparison.b.status})\n\n`;
    text += comparison.configDiff.length === 0 ? 'Config: identical.\n' : 'Config differences:\n' + renderTable(['PATH', 'A', 'B'], comparison.configDiff.map((d) => [d.path, show(d.a), show(d.b)]));
    if (comparison.metrics.length > 0) {
      text += '\nFinal training metrics:\n' + renderTable(['KEY', 'BLOCK', 'A', 'B', 'Δ (B − A)'], comparison.metrics.map((m) => [m.key, m.block ?? 'model', formatValue(m.a), formatValue(m.b), formatDelta(m.delta)]));
    }
    if (comparison.evaluations.length > 0) {
      text += '\nLatest evaluations:\n' + renderTable(['KIND', 'METRIC', 'TARGET', 'DATASET', 'DEPTH', 'A', 'B', 'Δ (B − A)'], comparison.evaluations.map((e) => [
        e.kind, e.metric, e.target, e.dataset, `${e.depthUnit.toLowerCase()} ${e.depth}`, formatValue(e.a), formatValue(e.b), formatDelta(e.delta),
      ]));
    }
    ctx.out(text);
  });
}

export function renderRun(run: RunDetail): string {
  const lines = [
    `Run ${run.name} (${run.id})`,
    `  project ${run.project.name}${run.sweep ? ` · sweep ${run.sweep.name}` : ''}`,
    `  ${run.modelSize} · K=${run.blocks} · ${run.mode} · seed ${run.seed} · dataset ${run.dataset}`,
    `  status ${run.status}${run.status === 'RUNNING' && run.jobs[0] ? ` ${describeProgress(run.jobs[0].progress)}` : ''} · time ${formatDuration(run.durationSeconds)} · started ${run.startedAt ?? '—'} · finished ${run.finishedAt ?? '—'}`,
    `  agent ${run.agentName ?? '—'} · backend ${run.backend ?? '—'}${run.tags.length ? ` · tags ${run.tags.join(', ')}` : ''}`,
  ];
  if (run.error) lines.push(`  error: ${run.error}`);
  if (run.notes) lines.push(`  notes: ${run.notes}`);
  const job = run.jobs[0];
  if (job) lines.push(`  latest job: ${job.status}, attempt ${job.attempts}/${job.maxAttempts}${job.lastError ? `, last error: ${job.lastError}` : ''}`);
  lines.push(`  checkpoints: ${run.checkpoints.length}${run.checkpoints.length ? ` (latest at step ${run.checkpoints[run.checkpoints.length - 1]?.step})` : ''}`);
  let text = lines.join('\n') + '\n';
  if (run.evaluations.length > 0) {
    text += '\nLatest evaluations:\n' + renderTable(['KIND', 'METRIC', 'TARGET', 'DATASET', 'DEPTH', 'STEP', 'VALUE', '± STD'], run.evaluations.map((e) => [
      // An E2E run of a sweep is evaluated at every K: say which K a block depth counts.
      e.kind, e.metric, e.target, e.dataset, `${e.depthUnit.toLowerCase()} ${e.depth}${e.depthUnit === 'BLOCK' && run.partitions.length > 1 ? ` of K=${e.partition}` : ''}`, e.step, formatValue(e.value), e.std === null ? '' : formatValue(e.std),
    ]));
  }
  text += '\nConfig:\n' + JSON.stringify(run.config, null, 2).split('\n').map((l) => '  ' + l).join('\n') + '\n';
  return text;
}
