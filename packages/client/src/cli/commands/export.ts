// `stratum export`: every metric point of a sweep (or of runs) as CSV, a JSON array or NDJSON,
// streamed: series are paged by step windows and each page is written before the next is
// fetched, so memory stays flat whether there are a thousand points or a million.
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { StratumError } from '../../sdk/errors.js';
import { createRecordWriter, EXPORT_FORMATS, type ExportFormat } from '../writer.js';
import type { CliContext } from '../context.js';
import { withExamples } from '../help.js';
import { progressBar } from '../output.js';
import { projectOf } from './sweep.js';

const COLUMNS = ['run_id', 'run_name', 'model_size', 'blocks', 'mode', 'seed', 'key', 'block', 'step', 'value'] as const;
type Row = { [K in (typeof COLUMNS)[number]]: string | number | null };

interface ExportOptions {
  sweep?: string; runs?: string; project?: string; format: string; metrics?: string; blocks?: string;
  fromStep?: string; toStep?: string; out?: string; pagePoints: string;
}

function optionalInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new StratumError('USAGE', `${flag} takes a non-negative integer, not "${value}"`);
  return Number(value);
}

export function registerExport(program: Command, ctx: CliContext): void {
  withExamples(
    program
      .command('export')
      .description('stream every metric point of a sweep (or of runs) as CSV, JSON or NDJSON; columns: ' + COLUMNS.join(', ') + ' (block empty = whole model)')
      .option('-s, --sweep <sweep>', 'sweep name or id')
      .option('--runs <runs>', 'comma-separated runs: ids, unique id prefixes or names (sweep/run), instead of --sweep')
      .option('-p, --project <name>', 'project of the sweep (default $STRATUM_PROJECT)')
      .option('-f, --format <format>', EXPORT_FORMATS.join(' | '), 'csv')
      .option('-m, --metrics <keys>', 'comma-separated metric keys (default: every key logged)')
      .option('--blocks <list>', 'comma-separated blocks; "model" = whole model (default: all)')
      .option('--from-step <n>', 'first step')
      .option('--to-step <n>', 'last step')
      .option('-o, --out <file>', 'write to a file instead of standard output')
      .option('--page-points <n>', 'points per request at most (the memory bound)', '10000'),
    [
      ['stratum export --sweep nano-k-vs-e2e --format csv > points.csv', 'everything, as CSV'],
      ['stratum export --sweep nano-k-vs-e2e --format json --metrics loss --blocks model -o loss.json', 'whole-model loss only'],
      ['stratum export --runs 3f1c…,9a2e… --format ndjson --from-step 1000', 'two runs, late steps'],
    ],
  ).action(async (options: ExportOptions) => {
    if (!EXPORT_FORMATS.includes(options.format as ExportFormat)) throw new StratumError('USAGE', `--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${options.format}"`);
    if (Boolean(options.sweep) === Boolean(options.runs)) throw new StratumError('USAGE', 'give --sweep or --runs (one of them)');
    const pagePoints = optionalInt('--page-points', options.pagePoints) as number;
    if (pagePoints < 2 || pagePoints > 100_000) throw new StratumError('USAGE', '--page-points must be between 2 and 100000');
    const fromStep = optionalInt('--from-step', options.fromStep);
    const toStep = optionalInt('--to-step', options.toStep);
    const keys = options.metrics?.split(',').map((k) => k.trim()).filter(Boolean);
    const blocks = options.blocks?.split(',').map((b) => b.trim()).filter(Boolean).map((b) => {
      if (b === 'model') return null;
      if (!/^\d+$/.test(b)) throw new StratumError('USAGE', `--blocks takes block numbers or "model", not "${b}"`);
      return Number(b);
    });

    const client = await ctx.client();
    type RunInfo = { id: string; name: string; modelSize: string; blocks: number; mode: string; seed: number };
    let runs: RunInfo[];
    if (options.sweep) {
      const sweep = await client.findSweep(options.sweep, projectOf(ctx, options));
      runs = (await client.sweepRuns(sweep.id)).runs;
    } else {
      const refs = (options.runs ?? '').split(',').map((id) => id.trim()).filter(Boolean);
      const ids: string[] = [];
      for (const ref of refs) ids.push(await client.findRunId(ref, projectOf(ctx, options)));
      runs = [];
      for await (const run of client.runs({ ids }, { pageSize: 500 })) runs.push(run);
      const missing = ids.filter((id) => !runs.some((r) => r.id === id));
      if (missing.length) throw new StratumError('NOT_FOUND', `run ${missing.join(', ')} not found`);
      runs.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    }
    const byId = new Map(runs.map((run) => [run.id, run]));

    const stream: Writable = options.out ? fs.createWriteStream(options.out) : ctx.io.stdout;
    if (options.out) await once(stream, 'open');
    const writer = createRecordWriter<Row>(stream, options.format as ExportFormat, COLUMNS);
    const bar = progressBar(ctx.io.stderr, ctx.showProgress, 1, 'export', ' steps');
    let series = 0;
    let lastSeries = '';
    try {
      for await (const chunk of client.series({
        runIds: runs.map((r) => r.id),
        ...(keys ? { keys } : {}),
        ...(blocks ? { blocks } : {}),
        ...(fromStep !== undefined ? { fromStep } : {}),
        ...(toStep !== undefined ? { toStep } : {}),
        pagePoints,
        onProgress: (covered, total) => {
          bar.setTotal(total);
          bar.update(covered, { detail: `${writer.count} points` });
        },
      })) {
        const run = byId.get(chunk.runId) as RunInfo;
        const id = `${chunk.runId}/${chunk.key}/${chunk.block}`;
        if (id !== lastSeries) { series++; lastSeries = id; }
        await writer.writeMany((function* () {
          for (let i = 0; i < chunk.steps.length; i++) {
            yield {
              run_id: run.id, run_name: run.name, model_size: run.modelSize, blocks: run.blocks, mode: run.mode, seed: run.seed,
              key: chunk.key, block: chunk.block, step: chunk.steps[i] as number, value: chunk.values[i] as number,
            };
          }
        })());
      }
      await writer.close();
    } finally {
      bar.stop();
      if (options.out) {
        stream.end();
        await once(stream, 'close');
      }
    }
    ctx.err(`exported ${writer.count} points of ${series} series from ${runs.length} runs${options.out ? ` to ${options.out}` : ''}\n`);
  });
}
