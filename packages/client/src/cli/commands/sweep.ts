// `stratum sweep create | status | cancel | ls`.
import fs from 'node:fs';
import type { Command } from 'commander';
import { sweepFinished, type SweepStatus, type SweepSummary } from '../../sdk/client.js';
import { StratumError } from '../../sdk/errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliContext } from '../context.js';
import { readAll, withExamples } from '../help.js';
import { formatDuration, progressBar, renderTable, toJson } from '../output.js';

interface ProjectOption { project?: string }

/** `--project` of a command, else STRATUM_PROJECT. */
export function projectOf(ctx: CliContext, options: ProjectOption): string | undefined {
  return options.project ?? (ctx.env.STRATUM_PROJECT?.trim() || undefined);
}

function countsLine(counts: SweepSummary['statusCounts']): string {
  const done = counts.succeeded + counts.failed + counts.cancelled;
  return `${done}/${counts.total} finished · ${counts.succeeded} succeeded · ${counts.running} running · ${counts.queued} queued · ${counts.failed} failed · ${counts.cancelled} cancelled`;
}

interface JobProgress { step?: unknown; totalSteps?: unknown; phase?: unknown }

/** "1200/3000 (40%) train" from an agent's heartbeat progress. */
export function describeProgress(progress: unknown): string {
  if (!progress || typeof progress !== 'object') return '';
  const p = progress as JobProgress;
  const step = typeof p.step === 'number' ? p.step : null;
  const total = typeof p.totalSteps === 'number' && p.totalSteps > 0 ? p.totalSteps : null;
  const phase = typeof p.phase === 'string' ? ` ${p.phase}` : '';
  if (step === null) return phase.trim();
  return total ? `${step}/${total} (${Math.floor((100 * step) / total)}%)${phase}` : `step ${step}${phase}`;
}

export function renderSweepStatus(sweep: SweepStatus): string {
  const header = `Sweep ${sweep.name} (project ${sweep.project.name}, id ${sweep.id})\n${countsLine(sweep.statusCounts)}\n\n`;
  const rows = sweep.runs.map((run) => [
    run.name, run.modelSize, run.blocks, run.mode, run.seed, run.status,
    run.status === 'RUNNING' ? describeProgress(run.jobs[0]?.progress) : run.status === 'FAILED' ? (run.error ?? run.jobs[0]?.lastError ?? '').split('\n')[0]?.slice(0, 60) : '',
    formatDuration(run.durationSeconds), run.agentName ?? '',
  ]);
  return header + renderTable(['RUN', 'SIZE', 'K', 'MODE', 'SEED', 'STATUS', 'PROGRESS', 'TIME', 'AGENT'], rows);
}

export function registerSweep(program: Command, ctx: CliContext): void {
  const sweep = withExamples(program.command('sweep').description('declare, follow and cancel sweeps'), [
    ['stratum sweep create -f sweep.yaml', 'declare a sweep'],
    ['stratum sweep status my-sweep --watch', 'follow it live'],
    ['stratum sweep cancel my-sweep', 'stop what is still queued or running'],
  ]);

  withExamples(
    sweep
      .command('create')
      .description('declare a sweep from a YAML or JSON file (validated locally first; idempotent: the same name and spec changes nothing)')
      .requiredOption('-f, --file <path>', 'the sweep file (YAML or JSON; "-" reads standard input)')
      .option('--dry-run', 'validate and show what would be sent, without sending it')
      .option('--json', 'print the result as JSON'),
    [
      ['stratum sweep create -f sweep.yaml', 'declare the sweep'],
      ['stratum sweep create -f sweep.json --dry-run', 'check the file only'],
      ['cat sweep.yaml | stratum sweep create -f - --json', 'from stdin, JSON result'],
    ],
  ).action(async (options: { file: string; dryRun?: boolean; json?: boolean }) => {
    const text = options.file === '-' ? await readAll(ctx.io.stdin) : readFile(options.file);
    const { cellCount, parseSweepFile } = await import('../../files/sweep-file.js'); // zod + yaml: only here
    const spec = parseSweepFile(text, options.file === '-' ? '<stdin>' : options.file);
    if (options.dryRun) {
      if (options.json) ctx.out(toJson({ valid: true, runs: cellCount(spec), input: spec }));
      else ctx.out(`${options.file} is valid: sweep ${spec.name} in project ${spec.project}, ${cellCount(spec)} runs.\n${toJson(spec)}`);
      return;
    }
    const result = await (await ctx.client()).createSweep(spec);
    if (options.json) {
      ctx.out(toJson(result));
    } else if (result.created) {
      ctx.out(`Created sweep ${result.sweep.name} in project ${result.sweep.project.name}: ${result.sweep.statusCounts.total} runs queued (id ${result.sweep.id}).\n`);
    } else {
      ctx.out(`Sweep ${result.sweep.name} already exists with this spec (id ${result.sweep.id}); nothing new was queued.\n${countsLine(result.sweep.statusCounts)}\n`);
    }
  });

  withExamples(
    sweep
      .command('status')
      .description('show a sweep and its runs; --watch follows it live until every run has finished')
      .argument('<sweep>', 'sweep name (or id)')
      .option('-p, --project <name>', 'project of the sweep (default $STRATUM_PROJECT; needed when several projects use the name)')
      .option('-w, --watch', 'follow the sweep until every run has finished (progress on stderr); exit 1 if any run failed or was cancelled')
      .option('--interval <seconds>', 'poll interval while watching (status events wake it earlier)', '2')
      .option('--timeout <seconds>', 'give up watching after this long (exit 3)')
      .option('--json', 'print JSON (with --watch: one JSON object per update, one per line)'),
    [
      ['stratum sweep status nano-k-vs-e2e', 'a table of the runs'],
      ['stratum sweep status nano-k-vs-e2e --watch', 'follow it live'],
      ['stratum sweep status nano-k-vs-e2e --watch --timeout 1800 --json | tail -1', 'CI: wait, then the final state'],
    ],
  ).action(async (ref: string, options: ProjectOption & { watch?: boolean; interval: string; timeout?: string; json?: boolean }) => {
    const client = await ctx.client();
    const found = await client.findSweep(ref, projectOf(ctx, options));
    if (!options.watch) {
      const status = await client.sweepStatus(found.id);
      ctx.out(options.json ? toJson(status) : renderSweepStatus(status));
      return;
    }
    const intervalMs = Math.max(0.05, Number(options.interval) || 2) * 1000;
    const timeoutMs = options.timeout === undefined ? null : Number(options.timeout) * 1000;
    if (timeoutMs !== null && !(timeoutMs > 0)) throw new StratumError('USAGE', `--timeout must be a positive number of seconds, not "${options.timeout}"`);
    const controller = new AbortController();
    let timedOut = false;
    const timer = timeoutMs === null ? null : setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
    const bar = progressBar(ctx.io.stderr, ctx.showProgress, found.statusCounts.total, `sweep ${found.name}`, ' runs');
    let last: SweepStatus | null = null;
    let lastLine = '';
    try {
      for await (const status of client.watchSweep(found.id, { intervalMs, signal: controller.signal })) {
        last = status;
        const counts = status.statusCounts;
        const line = countsLine(counts);
        bar.setTotal(counts.total);
        bar.update(counts.succeeded + counts.failed + counts.cancelled, { detail: `${counts.running} running · ${counts.failed} failed` });
        if (options.json) ctx.out(JSON.stringify(status) + '\n');
        else if (!ctx.showProgress && line !== lastLine) ctx.err(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
        lastLine = line;
      }
    } catch (error) {
      if (!timedOut) throw error;
    } finally {
      if (timer) clearTimeout(timer);
      bar.stop();
    }
    if (!last || (timedOut && !sweepFinished(last.statusCounts))) {
      if (last && !options.json) ctx.out(renderSweepStatus(last));
      throw new StratumError('TIMEOUT', `sweep ${found.name} had not finished after ${options.timeout} s (${last ? countsLine(last.statusCounts) : 'no status yet'})`);
    }
    if (!options.json) ctx.out(renderSweepStatus(last));
    const counts = last.statusCounts;
    if (counts.failed + counts.cancelled > 0) {
      ctx.err(`stratum: sweep ${found.name} finished with ${counts.failed} failed and ${counts.cancelled} cancelled runs\n`);
      ctx.exitCode = ExitCode.FAILED;
    }
  });

  withExamples(
    sweep
      .command('cancel')
      .description('cancel every queued or running run of a sweep (running jobs stop at their next heartbeat)')
      .argument('<sweep>', 'sweep name (or id)')
      .option('-p, --project <name>', 'project of the sweep (default $STRATUM_PROJECT)')
      .option('--json', 'print the result as JSON'),
    [['stratum sweep cancel nano-k-vs-e2e', 'stop it']],
  ).action(async (ref: string, options: ProjectOption & { json?: boolean }) => {
    const client = await ctx.client();
    const found = await client.findSweep(ref, projectOf(ctx, options));
    const result = await client.cancelSweep(found.id);
    if (options.json) ctx.out(toJson(result));
    else ctx.out(`Cancelled ${result.cancelledRuns} runs of sweep ${found.name}; ${result.cancelRequested} running jobs were asked to stop.\n${countsLine(result.sweep.statusCounts)}\n`);
  });

  withExamples(
    sweep
      .command('ls')
      .description('list sweeps, newest first, with their run counts')
      .option('-p, --project <name>', 'only this project (default $STRATUM_PROJECT, else all)')
      .option('--json', 'print JSON'),
    [['stratum sweep ls --project paper-mini', 'sweeps of a project']],
  ).action(async (options: ProjectOption & { json?: boolean }) => {
    const project = projectOf(ctx, options);
    const sweeps = await (await ctx.client()).sweeps(project ? { project } : {});
    if (options.json) {
      ctx.out(toJson(sweeps));
      return;
    }
    ctx.out(renderTable(['SWEEP', 'PROJECT', 'RUNS', 'SUCCEEDED', 'RUNNING', 'QUEUED', 'FAILED', 'CREATED'], sweeps.map((s) => [
      s.name, s.project.name, s.statusCounts.total, s.statusCounts.succeeded, s.statusCounts.running, s.statusCounts.queued, s.statusCounts.failed, s.createdAt.slice(0, 19).replace('T', ' '),
    ])));
  });
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StratumError('USAGE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
