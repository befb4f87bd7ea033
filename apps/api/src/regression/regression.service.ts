// Baselines and seed-aware regression checks: per rule and cell, Welch's interval of the
// candidate − baseline difference decides PASS / FAIL / INSUFFICIENT_DATA; every check is stored.
// Baselines and stored checks are plain CRUD (the Prisma client); what a baseline stands for now
// (a sweep's current runs) and the newest checks per baseline are joins kept in SQL.
import type { Prisma } from '@stratum/db';
import type { AppServices } from '../context.js';
import { mean, sampleVariance, welchInterval } from '@stratum/stats';
import { BadInputError, NotFoundError } from '../errors/codes.js';
import { atEachPartition, finalDepth, readingKey, readingsAtEach, resolveMetric, RUN_INFO_COLUMNS, type RunInfo } from '../metric/metric-values.js';
import { cellKey } from '../grid/grid.service.js';
import { parseId, parseIds } from '../common/ids.js';
import type { CheckRegressionArgs, RegressionRuleInput, SetBaselineArgs } from './regression.input.js';
import { Direction, Verdict, type Baseline, type CellKey, type RegressionReport, type RegressionVerdict } from './regression.type.js';
import { selectList, type Fields, type Row, type RowOf } from '../common/columns.js';

/** A stored check as regressionChecks lists it (its verdicts JSON is what checkRegression stored). */
const CHECK_FIELDS = { id: 'id', baselineId: 'baseline_id', candidate: 'candidate', verdicts: 'verdicts', passed: 'passed', createdAt: 'created_at' } as const satisfies Fields<'regression_checks'>;

const BASELINE = { id: true, projectId: true, name: true, sweepId: true, runIds: true, createdAt: true, updatedAt: true } as const;

async function projectId(app: AppServices, name: string): Promise<string> {
  const project = await app.prisma.project.findUnique({ select: { id: true }, where: { name } });
  if (!project) throw new NotFoundError('project', name);
  return project.id;
}

function oneOf(set: { sweepId?: string | undefined; runIds?: string[] | undefined }, field: string): void {
  if ((set.sweepId === undefined || set.sweepId === null) === (set.runIds === undefined || set.runIds === null)) {
    throw new BadInputError(`${field}: give exactly one of sweepId and runIds`, field);
  }
}

export async function setBaseline(app: AppServices, args: SetBaselineArgs): Promise<Baseline> {
  oneOf(args, 'sweepId');
  const project = await projectId(app, args.project);
  let sweepId: string | null = null;
  let runIds: string[] = [];
  if (args.sweepId) {
    sweepId = parseId(args.sweepId, 'sweepId');
    const sweep = await app.prisma.sweep.findUnique({ select: { projectId: true }, where: { id: sweepId } });
    if (!sweep) throw new NotFoundError('sweep', sweepId);
    if (sweep.projectId !== project) throw new BadInputError(`sweep ${sweepId} belongs to another project`, 'sweepId');
  } else {
    runIds = [...new Set(parseIds(args.runIds!, 'runIds'))];
    const rows = await app.prisma.run.findMany({ select: { id: true, projectId: true }, where: { id: { in: runIds } } });
    const found = new Map(rows.map((r) => [r.id, r.projectId]));
    const missing = runIds.find((id) => !found.has(id));
    if (missing) throw new NotFoundError('run', missing);
    const foreign = runIds.find((id) => found.get(id) !== project);
    if (foreign) throw new BadInputError(`run ${foreign} belongs to another project`, 'runIds');
  }
  return app.prisma.baseline.upsert({
    select: BASELINE,
    where: { projectId_name: { projectId: project, name: args.name } },
    create: { projectId: project, name: args.name, sweepId, runIds },
    update: { sweepId, runIds },
  });
}

export async function listBaselines(app: AppServices, project: string): Promise<Baseline[]> {
  return app.readPrisma.baseline.findMany({ select: BASELINE, where: { project: { name: project } }, orderBy: { name: 'asc' } });
}

export async function getBaseline(app: AppServices, project: string, name: string): Promise<Baseline | null> {
  return app.prisma.baseline.findFirst({ select: BASELINE, where: { name, project: { name: project } } });
}

/** The runs of a set (a sweep's runs as they are now). */
export async function runSet(app: AppServices, set: { sweepId?: string | null | undefined; runIds?: readonly string[] | null | undefined }, field: string): Promise<RunInfo[]> {
  if (set.sweepId) {
    const sweepId = parseId(set.sweepId, `${field}.sweepId`);
    const { rowCount } = await app.readPool.query('SELECT 1 FROM sweeps WHERE id = $1', [sweepId]);
    if (!rowCount) throw new NotFoundError('sweep', sweepId);
    return (await app.readPool.query<RunInfo>(`SELECT ${RUN_INFO_COLUMNS} FROM runs r WHERE r.sweep_id = $1 ORDER BY r.seed, r.id`, [sweepId])).rows;
  }
  const ids = [...new Set(parseIds([...(set.runIds ?? [])], `${field}.runIds`))];
  const { rows } = await app.readPool.query<RunInfo>(`SELECT ${RUN_INFO_COLUMNS} FROM runs r WHERE r.id = ANY($1::uuid[]) ORDER BY r.seed, r.id`, [ids]);
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new NotFoundError('run', ids.find((id) => !found.has(id))!);
  }
  return rows;
}

/** The run ids each baseline stands for now (a sweep's current runs, or its explicit runs). */
export async function baselineRunIds(app: AppServices, baselineIds: readonly string[]): Promise<string[][]> {
  const { rows } = await app.readPool.query<{ baselineId: Row<'baselines'>['id']; runId: Row<'runs'>['id'] }>(
    `SELECT b.id AS "baselineId", r.id AS "runId" FROM baselines b
     JOIN runs r ON (b.sweep_id IS NOT NULL AND r.sweep_id = b.sweep_id) OR (b.sweep_id IS NULL AND r.id = ANY(b.run_ids))
     WHERE b.id = ANY($1::uuid[]) ORDER BY r.seed, r.id`, [baselineIds]);
  return baselineIds.map((id) => rows.filter((r) => r.baselineId === id).map((r) => r.runId));
}

/** A value as Prisma stores JSON (plain data: class instances and undefined fields dropped, as JSON.stringify would). */
const toJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

const fmt = (x: number) => Number(x.toPrecision(4)).toString();

/** The verdict for one rule on one pair of value sets (exported for unit tests). */
export function judge(candidate: readonly number[], baseline: readonly number[], rule: Pick<RegressionRuleInput, 'direction' | 'maxDrop' | 'relative'>):
  Omit<RegressionVerdict, 'ruleIndex' | 'rule' | 'metric' | 'block' | 'cell'> {
  const stat = (v: readonly number[]) => ({ n: v.length, mean: v.length ? mean(v) : null, std: v.length >= 2 ? Math.sqrt(sampleVariance(v)) : null });
  const c = stat(candidate);
  const b = stat(baseline);
  const base = { candidateN: c.n, baselineN: b.n, candidateMean: c.mean, baselineMean: b.mean, candidateStd: c.std, baselineStd: b.std };
  const allowedDrop = rule.relative ? (b.mean === null ? null : rule.maxDrop * Math.abs(b.mean)) : rule.maxDrop;
  if (c.n < 2 || b.n < 2) {
    return { ...base, verdict: Verdict.INSUFFICIENT_DATA, message: `needs at least 2 values per side; candidate has ${c.n}, baseline ${b.n}`, delta: c.mean !== null && b.mean !== null ? c.mean - b.mean : null, ciLow: null, ciHigh: null, df: null, drop: null, allowedDrop };
  }
  const w = welchInterval(candidate, baseline);
  const higher = rule.direction === Direction.HIGHER_IS_BETTER;
  const drop = higher ? -w.delta : w.delta;
  // The drop's interval: the lowest plausible worsening.
  const dropLow = higher ? -w.ciHigh : w.ciLow;
  const exceeds = drop > allowedDrop!;
  const significant = dropLow > 0;
  const verdict = exceeds && significant ? Verdict.FAIL : Verdict.PASS;
  const summary = `candidate ${fmt(c.mean!)} vs baseline ${fmt(b.mean!)} (Δ ${fmt(w.delta)}, 95% CI [${fmt(w.ciLow)}, ${fmt(w.ciHigh)}], n ${c.n}/${b.n})`;
  const reason = verdict === Verdict.FAIL
    ? `worse by ${fmt(drop)}, more than the allowed ${fmt(allowedDrop!)}, and significant`
    : !exceeds ? `${drop > 0 ? `worse by ${fmt(drop)}` : 'not worse'}, within the allowed ${fmt(allowedDrop!)}`
      : `worse by ${fmt(drop)} (more than the allowed ${fmt(allowedDrop!)}) but not significant over seeds`;
  return { ...base, verdict, message: `${summary}: ${reason}`, delta: w.delta, ciLow: w.ciLow, ciHigh: w.ciHigh, df: w.df, drop, allowedDrop };
}

function ruleLabel(rule: RegressionRuleInput, index: number): string {
  if (rule.name) return rule.name;
  const m = rule.metric;
  const what = m.source === 'TRAINING' ? m.key ?? 'loss' : m.source === 'SIMILARITY' ? m.similarity ?? 'LINEAR_CKA' : `${m.kind ?? '?'} ${m.key ?? ''}`.trim();
  return `#${index + 1} ${what}${rule.block !== undefined && rule.block !== null ? ` block ${rule.block}` : ''} max drop ${rule.maxDrop}${rule.relative ? ' (relative)' : ''}`;
}

export async function checkRegression(app: AppServices, args: CheckRegressionArgs): Promise<RegressionReport> {
  oneOf(args.candidate, 'candidate');
  const baseline = await getBaseline(app, args.project, args.baseline);
  if (!baseline) throw new NotFoundError(`baseline in project ${JSON.stringify(args.project)}`, args.baseline);
  const candidateRuns = await runSet(app, args.candidate, 'candidate');
  const baselineRuns = await runSet(app, baseline.sweepId ? { sweepId: baseline.sweepId } : { runIds: baseline.runIds }, 'baseline');
  const allRuns = [...candidateRuns, ...baselineRuns];

  const verdicts: RegressionVerdict[] = [];
  for (const [index, rule] of args.rules.entries()) {
    const metric = await resolveMetric(app, rule.metric, allRuns.map((r) => r.id), `rules[${index}].metric`);
    const depth = (run: RunInfo) => rule.block ?? finalDepth(run, metric);
    // Per cell, an E2E run evaluated at several K counts in the cell of each, read at that K.
    const [candidateAt, baselineAt] = rule.perCell ? [candidateRuns.flatMap(atEachPartition), baselineRuns.flatMap(atEachPartition)] : [candidateRuns, baselineRuns];
    const readings = await readingsAtEach(app, [...candidateAt, ...baselineAt], metric, depth, rule.at ?? null);
    const valuesOf = (runs: RunInfo[]) => runs.map((r) => readings.get(readingKey(r))?.value).filter((v): v is number => v !== undefined);
    const groups: Array<{ cell: CellKey | null; candidate: RunInfo[]; baseline: RunInfo[] }> = [];
    if (rule.perCell) {
      const cells = new Map<string, CellKey>();
      for (const run of candidateAt) cells.set(cellKey(run.modelSize, run.blocks, run.mode), { modelSize: run.modelSize, blocks: run.blocks, mode: run.mode });
      for (const [key, cell] of cells) {
        const inCell = (r: RunInfo) => cellKey(r.modelSize, r.blocks, r.mode) === key;
        groups.push({ cell, candidate: candidateAt.filter(inCell), baseline: baselineAt.filter(inCell) });
      }
    } else {
      groups.push({ cell: null, candidate: candidateRuns, baseline: baselineRuns });
    }
    for (const group of groups) {
      verdicts.push({ ruleIndex: index, rule: ruleLabel(rule, index), metric, block: rule.block ?? null, cell: group.cell, ...judge(valuesOf(group.candidate), valuesOf(group.baseline), rule) });
    }
  }
  const failed = verdicts.filter((v) => v.verdict === Verdict.FAIL).length;
  const insufficient = verdicts.filter((v) => v.verdict === Verdict.INSUFFICIENT_DATA).length;
  const passed = failed === 0 && insufficient === 0;
  const candidate = args.candidate.sweepId ? { sweepId: args.candidate.sweepId } : { runIds: args.candidate.runIds };
  const stored = await app.prisma.regressionCheck.create({
    select: { id: true, createdAt: true },
    data: { baselineId: baseline.id, candidate: toJson(candidate), rules: toJson(args.rules), verdicts: toJson(verdicts), passed },
  });
  return { id: stored.id, createdAt: stored.createdAt, baselineId: baseline.id, baselineName: baseline.name, passed, failed, insufficient, candidate, verdicts };
}

export async function regressionChecks(app: AppServices, baselineIds: readonly string[], first: number): Promise<RegressionReport[][]> {
  const { rows } = await app.readPool.query<RowOf<'regression_checks', typeof CHECK_FIELDS> & { baselineName: Row<'baselines'>['name']; verdicts: RegressionVerdict[] }>(
    `SELECT ${selectList('regression_checks', 'c', CHECK_FIELDS)}, b.name AS "baselineName"
     FROM baselines b CROSS JOIN LATERAL (
       SELECT * FROM regression_checks c WHERE c.baseline_id = b.id ORDER BY c.created_at DESC, c.id LIMIT $2) c
     WHERE b.id = ANY($1::uuid[])`, [baselineIds, first]);
  return baselineIds.map((id) => rows.filter((r) => r.baselineId === id).map((r) => ({
    ...r,
    failed: r.verdicts.filter((v) => v.verdict === Verdict.FAIL).length,
    insufficient: r.verdicts.filter((v) => v.verdict === Verdict.INSUFFICIENT_DATA).length,
  })));
}
