// `stratum check` without the command line: turning parsed rules into the API's rule inputs,
// naming the candidate (a sweep, a tag or run ids), and turning the API's report into the
// outcomes the renderers and the exit-code policy consume.
import type { StratumClient } from '../sdk/client.js';
import { isUuid } from '../sdk/client.js';
import { StratumError } from '../sdk/errors.js';
import type { MetricSelector, RegressionRuleInput, RunSetInput } from '../generated/graphql.js';
import type { RegressionReport } from '../sdk/client.js';
import type { RuleOutcome } from './verdicts.js';
import type { RegressionRule } from './rules.js';

/** How the rule's metric is read by the API. */
export function metricSelector(rule: RegressionRule): MetricSelector {
  const evaluation = (kind: MetricSelector['kind'], key: string): MetricSelector => ({
    source: 'EVALUATION',
    kind,
    key,
    depthUnit: rule.block === 'model' ? 'MODEL' : 'BLOCK',
    ...(rule.target !== undefined ? { target: rule.target } : {}),
    ...(rule.dataset !== undefined ? { dataset: rule.dataset } : {}),
  });
  switch (rule.metric) {
    case 'probe_acc': return evaluation('LINEAR_PROBE', 'accuracy');
    case 'knn_acc': return evaluation('KNN_ACCURACY', 'accuracy');
    case 'map': return evaluation('KNN_RETRIEVAL', 'mAP');
    case 'loss': return { source: 'TRAINING', key: 'loss' };
    case 'cka': return { source: 'SIMILARITY', similarity: 'LINEAR_CKA', ...(rule.dataset !== undefined ? { dataset: rule.dataset } : {}) };
    default: return evaluation('KNN_RETRIEVAL', rule.metric); // hit@k
  }
}

/** The API's RegressionRuleInput for a parsed rule (block last → null: each run's final block). */
export function ruleToInput(rule: RegressionRule, options: { perCell?: boolean } = {}): RegressionRuleInput {
  return {
    name: rule.text,
    metric: metricSelector(rule),
    block: rule.block === 'last' ? null : rule.block === 'model' ? 0 : rule.block,
    at: rule.at === 'final' ? null : rule.at,
    direction: rule.direction === 'higher' ? 'HIGHER_IS_BETTER' : 'LOWER_IS_BETTER',
    maxDrop: rule.maxDrop ?? rule.maxRelDrop ?? 0,
    relative: rule.maxRelDrop !== undefined,
    perCell: options.perCell ?? true,
  };
}

export type CandidateRef =
  | { kind: 'sweep'; ref: string }
  | { kind: 'tag'; tag: string }
  | { kind: 'runs'; ids: string[] };

/**
 * `sweep:NAME` (or a sweep id), `tag:TAG`, `runs:ID,ID…`; without a prefix, a comma-separated
 * list of UUIDs is run ids and anything else a sweep name.
 */
export function parseCandidate(text: string): CandidateRef {
  const value = text.trim();
  const prefix = /^(sweep|tag|runs?):(.*)$/.exec(value);
  const kind = prefix?.[1];
  const rest = (prefix?.[2] ?? value).trim();
  if (!rest) throw new StratumError('USAGE', `--candidate "${text}": nothing after the prefix`);
  if (kind === 'sweep') return { kind: 'sweep', ref: rest };
  if (kind === 'tag') return { kind: 'tag', tag: rest };
  const ids = rest.split(',').map((id) => id.trim()).filter(Boolean);
  if (kind === 'run' || kind === 'runs') {
    // Ids, id prefixes and run names alike: resolveCandidate looks them up.
    if (ids.length === 0) throw new StratumError('USAGE', `--candidate "${text}": nothing after the prefix`);
    return { kind: 'runs', ids };
  }
  if (ids.length > 0 && ids.every(isUuid)) return { kind: 'runs', ids };
  return { kind: 'sweep', ref: rest };
}

export function describeCandidate(ref: CandidateRef): string {
  if (ref.kind === 'sweep') return `sweep ${ref.ref}`;
  if (ref.kind === 'tag') return `tag ${ref.tag}`;
  return ref.ids.length === 1 ? `run ${ref.ids[0]}` : `${ref.ids.length} runs`;
}

/** Resolves a candidate to the API's RunSetInput, and the project it belongs to. */
export async function resolveCandidate(client: StratumClient, ref: CandidateRef, project: string | undefined): Promise<{ set: RunSetInput; project: string | undefined }> {
  if (ref.kind === 'sweep') {
    const sweep = await client.findSweep(ref.ref, project);
    return { set: { sweepId: sweep.id }, project: project ?? sweep.project.name };
  }
  if (ref.kind === 'tag') {
    const ids: string[] = [];
    const projects = new Set<string>();
    for await (const run of client.runs({ tags: [ref.tag], ...(project ? { project } : {}) })) {
      ids.push(run.id);
      projects.add(run.projectId);
      if (ids.length > 1000) throw new StratumError('USAGE', `tag ${ref.tag} marks more than 1000 runs; a candidate holds at most 1000`);
    }
    if (ids.length === 0) throw new StratumError('NOT_FOUND', `no runs tagged "${ref.tag}"${project ? ` in project "${project}"` : ''}`);
    return { set: { runIds: ids }, project: project ?? (projects.size === 1 ? (await client.run(ids[0] as string)).project.name : undefined) };
  }
  const ids: string[] = [];
  for (const id of ref.ids) ids.push(await client.findRunId(id, project));
  if (project) return { set: { runIds: ids }, project };
  const first = await client.run(ids[0] as string);
  return { set: { runIds: ids }, project: first.project.name };
}

/** One outcome per verdict, in rule order; per-cell verdicts name their cell. */
export function outcomesFromReport(report: RegressionReport, rules: readonly RegressionRule[]): RuleOutcome[] {
  return [...report.verdicts]
    .sort((a, b) => a.ruleIndex - b.ruleIndex)
    .map((v) => ({
      rule: (rules[v.ruleIndex]?.text ?? v.rule) + (v.cell ? ` [${v.cell.modelSize} K=${v.cell.blocks} ${v.cell.mode}]` : ''),
      verdict: v.verdict,
      baselineMean: v.baselineMean,
      candidateMean: v.candidateMean,
      delta: v.delta,
      ciLow: v.ciLow,
      ciHigh: v.ciHigh,
      baselineN: v.baselineN,
      candidateN: v.candidateN,
      reason: v.message || null,
    }));
}
