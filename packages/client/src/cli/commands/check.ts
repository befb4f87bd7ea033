// `stratum check` (the CI gate) and `stratum baseline set | ls`.
import fs from 'node:fs';
import type { Command } from 'commander';
import { describeCandidate, outcomesFromReport, parseCandidate, resolveCandidate, ruleToInput } from '../../check/outcomes.js';
import { StratumError } from '../../sdk/errors.js';
import { exitCodeForCheck } from '../exit-codes.js';
import { formatDelta, formatInterval, formatValue } from '../../check/format.js';
import { renderJUnit } from '../../check/junit.js';
import { renderMarkdown } from '../../check/markdown.js';
import { countVerdicts, type CheckReport } from '../../check/verdicts.js';
import { parseRule, type RegressionRule } from '../../check/rules.js';
import type { CliContext } from '../context.js';
import { withExamples } from '../help.js';
import { renderTable, toJson } from '../output.js';
import { projectOf } from './sweep.js';

const RULE_HELP = `
Rules (repeat --rule; each becomes a row of the report and a JUnit test case):
  metric[@at]{:option}
  metric   probe_acc | knn_acc | map | hit@<k> | loss | cka
  @at      @final (default) or @<step>
  options  block=<n>|last|model (default last)   target=<label family>   dataset=<name>
           max_drop=<x> (absolute) | max_rel_drop=<fraction or %>   (one of them is required)
           direction=higher|lower (default: lower for loss, higher otherwise)
  A rule FAILs when the candidate is worse by more than allowed and the 95% Welch interval of the
  difference excludes zero; fewer than two seeds on a side is INSUFFICIENT_DATA.

Candidates: sweep:<name|id>, tag:<tag>, runs:<run,run,…> (ids, unique id prefixes, or names such as
sweep/run); a bare value is run ids if it is UUIDs, else a sweep name.

Exit codes: 0 every rule passed, 1 a regression, 2 insufficient data or a usage error, 3 API trouble.`;

interface CheckOptions {
  candidate: string; baseline: string; rule: string[]; project?: string; pooled?: boolean;
  markdown?: string; junit?: string; json?: boolean;
}

function writeReport(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new StratumError('USAGE', `cannot write ${file}: ${(error as Error).message}`);
  }
}

export function registerCheck(program: Command, ctx: CliContext): void {
  withExamples(
    program
      .command('check')
      .description('gate on regressions: compare a candidate (sweep, tag or runs) with a named baseline, seed-aware, rule by rule')
      .requiredOption('-c, --candidate <ref>', 'sweep:<name>, tag:<tag>, runs:<ids> (see below)')
      .requiredOption('-b, --baseline <name>', 'baseline name (see `stratum baseline set`)')
      .requiredOption('-r, --rule <rule>', 'a rule such as probe_acc@final:block=last:max_drop=0.02 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('-p, --project <name>', 'project (default $STRATUM_PROJECT, else the candidate\'s)')
      .option('--pooled', 'pool every run of each side instead of comparing matching (size, K, mode) cells')
      .option('--markdown <file>', 'write a Markdown report (a pull-request comment)')
      .option('--junit <file>', 'write JUnit XML (one test case per rule and cell)')
      .option('--json', 'print the report as JSON')
      .addHelpText('after', RULE_HELP),
    [
      ['stratum check -c sweep:pr-123 -b main -r "probe_acc@final:block=last:max_drop=0.02"', 'one rule'],
      ['stratum check -c tag:nightly -b main -r "map:max_rel_drop=5%" -r "loss:block=model:max_rel_drop=0.1" --markdown report.md --junit report.xml', 'CI'],
    ],
  ).action(async (options: CheckOptions) => {
    const started = Date.now();
    // Everything local is checked before anything is sent.
    const rules: RegressionRule[] = options.rule.map(parseRule);
    const candidate = parseCandidate(options.candidate);
    const client = await ctx.client();
    const resolved = await resolveCandidate(client, candidate, projectOf(ctx, options));
    if (!resolved.project) throw new StratumError('USAGE', 'the candidate\'s runs belong to several projects; choose one with --project');
    const report = await client.checkRegression({
      project: resolved.project,
      baseline: options.baseline,
      candidate: resolved.set,
      rules: rules.map((rule) => ruleToInput(rule, { perCell: !options.pooled })),
    });
    const outcomes = outcomesFromReport(report, rules);
    const summary: CheckReport = { baseline: options.baseline, candidate: describeCandidate(candidate), outcomes, seconds: (Date.now() - started) / 1000 };
    if (options.markdown) writeReport(options.markdown, renderMarkdown(summary));
    if (options.junit) writeReport(options.junit, renderJUnit(summary));
    ctx.exitCode = exitCodeForCheck(outcomes);
    if (options.json) {
      ctx.out(toJson({ project: resolved.project, baseline: options.baseline, candidate: resolved.set, exitCode: ctx.exitCode, reportId: report.id, outcomes }));
      return;
    }
    const counts = countVerdicts(outcomes);
    ctx.out(renderTable(['RULE', 'BASELINE (n)', 'CANDIDATE (n)', 'Δ', '95% CI OF Δ', 'VERDICT'], outcomes.map((o) => [
      o.rule, `${formatValue(o.baselineMean)} (${o.baselineN})`, `${formatValue(o.candidateMean)} (${o.candidateN})`, formatDelta(o.delta), formatInterval(o.ciLow, o.ciHigh), o.verdict,
    ])));
    for (const o of outcomes.filter((x) => x.verdict !== 'PASS' && x.reason)) ctx.out(`  ${o.verdict} ${o.rule}: ${o.reason}\n`);
    ctx.out(`${counts.FAIL > 0 ? 'REGRESSION' : counts.INSUFFICIENT_DATA > 0 ? 'INSUFFICIENT DATA' : 'PASS'}: ${counts.PASS} passed, ${counts.FAIL} failed, ${counts.INSUFFICIENT_DATA} insufficient (${describeCandidate(candidate)} vs baseline ${options.baseline})\n`);
  });

  const baseline = withExamples(program.command('baseline').description('named reference sets of runs that `stratum check` compares against'), [
    ['stratum baseline set main --sweep nightly', 'point "main" at a sweep'],
    ['stratum baseline ls --project paper-mini', 'list them'],
  ]);
  withExamples(
    baseline
      .command('set')
      .description('create or move a baseline to a sweep or to explicit runs')
      .argument('<name>', 'baseline name, e.g. main')
      .option('-s, --sweep <sweep>', 'sweep name or id')
      .option('--runs <runs>', 'comma-separated runs: ids, unique id prefixes, or names (sweep/run)')
      .option('-p, --project <name>', 'project (default $STRATUM_PROJECT, else the sweep\'s)')
      .option('--json', 'print JSON'),
    [['stratum baseline set main --sweep nightly-2026-11-20', 'after a good nightly sweep']],
  ).action(async (name: string, options: { sweep?: string; runs?: string; project?: string; json?: boolean }) => {
    if (Boolean(options.sweep) === Boolean(options.runs)) throw new StratumError('USAGE', 'give --sweep or --runs (one of them)');
    const client = await ctx.client();
    let project = projectOf(ctx, options);
    let target: { sweepId: string } | { runIds: string[] };
    if (options.sweep) {
      const sweep = await client.findSweep(options.sweep, project);
      project ??= sweep.project.name;
      target = { sweepId: sweep.id };
    } else {
      const refs = (options.runs ?? '').split(',').map((id) => id.trim()).filter(Boolean);
      if (refs.length === 0) throw new StratumError('USAGE', '--runs takes run ids or names, comma-separated');
      const ids: string[] = [];
      for (const ref of refs) ids.push(await client.findRunId(ref, project));
      project ??= (await client.run(ids[0] as string)).project.name;
      target = { runIds: ids };
    }
    const result = await client.setBaseline({ project, name, ...target });
    if (options.json) ctx.out(toJson(result));
    else ctx.out(`Baseline ${result.name} of project ${project} → ${result.sweep ? `sweep ${result.sweep.name}` : `${result.runIds.length} runs`}.\n`);
  });

  withExamples(
    baseline
      .command('ls')
      .description('list the baselines of a project')
      .option('-p, --project <name>', 'project (default $STRATUM_PROJECT)')
      .option('--json', 'print JSON'),
    [['stratum baseline ls --project paper-mini', 'what checks can compare against']],
  ).action(async (options: { project?: string; json?: boolean }) => {
    const project = projectOf(ctx, options);
    if (!project) throw new StratumError('USAGE', 'baseline ls needs --project (or $STRATUM_PROJECT)');
    const baselines = await (await ctx.client()).baselines(project);
    if (options.json) ctx.out(toJson(baselines));
    else ctx.out(renderTable(['BASELINE', 'TARGET', 'UPDATED'], baselines.map((b) => [b.name, b.sweep ? `sweep ${b.sweep.name}` : `${b.runIds.length} runs`, b.updatedAt.slice(0, 19).replace('T', ' ')])));
  });
}
