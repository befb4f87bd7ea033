// What people type for a sweep or a run, resolved to the thing itself: a full id, the start of an
// id as printed by `stratum runs ls` (unique, else an error listing the candidates), a sweep name,
// or a run name (a sweep names its runs `sweep/size-kK-mode-sS`).
import { StratumError } from '../sdk/errors.js';
import type { RequestOptions } from '../sdk/transport.js';
import type { RunSummary, StratumClient, SweepSummary } from '../sdk/client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The start of an id: what the API accepts as idPrefix. */
const ID_PREFIX = /^[0-9a-f][0-9a-f-]{0,35}$/i;
/** A shorter prefix matches too much to be what someone meant. */
const MIN_PREFIX = 4;
/** Candidates listed in an ambiguity error. */
const LISTED = 10;
/** Runs whose name contains the one typed, fetched to find the exact match among them. */
const NAME_MATCHES = 200;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function looksLikePrefix(ref: string): boolean {
  return ref.length >= MIN_PREFIX && ID_PREFIX.test(ref);
}

function ambiguous(what: string, ref: string, candidates: string[], more: boolean): StratumError {
  return new StratumError('USAGE', `${what} "${ref}" is ambiguous; it could be any of:\n  ${candidates.join('\n  ')}${more ? '\n  …' : ''}\n(type more of the id, or the full name)`);
}

/**
 * A sweep by id, id prefix or name. Names are unique within a project; without `project`, a name
 * that several projects use is a USAGE error listing them. Missing → NOT_FOUND.
 */
export async function resolveSweep(client: StratumClient, ref: string, project?: string, options?: RequestOptions): Promise<SweepSummary> {
  const text = ref.trim();
  if (!text) throw new StratumError('USAGE', 'a sweep name or id is required');
  if (isUuid(text)) {
    const sweep = await client.sweep(text, options);
    if (!sweep) throw new StratumError('NOT_FOUND', `sweep ${text} not found`);
    return sweep;
  }
  let byName: SweepSummary | null;
  try {
    byName = await client.sweepByName(text, project, options);
  } catch (error) {
    if (error instanceof StratumError && error.code === 'BAD_USER_INPUT') throw new StratumError('USAGE', `${error.message.replace(/; give project$/, '')}; choose one with --project`, { cause: error });
    throw error;
  }
  if (byName) return byName;
  if (looksLikePrefix(text)) {
    const matches = (await client.sweepsByIdPrefix(text, LISTED + 1, options)).filter((s) => !project || s.project.name === project);
    if (matches.length === 1) return matches[0] as SweepSummary;
    if (matches.length > 1) throw ambiguous('sweep id', text, matches.slice(0, LISTED).map((s) => `${s.id}  ${s.project.name}/${s.name}`), matches.length > LISTED);
  }
  throw new StratumError('NOT_FOUND', `sweep "${text}" not found${project ? ` in project "${project}"` : ''}${looksLikePrefix(text) ? ' (by name or as the start of an id)' : ''}`);
}

/** Runs matching a filter, at most `limit` (+1 to tell whether there were more). */
async function firstRuns(client: StratumClient, filter: Parameters<StratumClient['runsPage']>[0]['filter'], limit: number, options?: RequestOptions): Promise<RunSummary[]> {
  return (await client.runsPage({ ...(filter ? { filter } : {}), first: limit + 1 }, options)).nodes;
}

async function describeRuns(client: StratumClient, runs: RunSummary[], options?: RequestOptions): Promise<string[]> {
  const projects = new Map<string, string>();
  for (const id of new Set(runs.flatMap((r) => (r.sweepId ? [r.sweepId] : [])))) {
    const sweep = await client.sweep(id, options);
    if (sweep) projects.set(id, sweep.project.name);
  }
  return runs.map((r) => `${r.id}  ${r.name}${r.sweepId && projects.has(r.sweepId) ? ` (project ${projects.get(r.sweepId)})` : ''}`);
}

/**
 * A run by id, unique id prefix, or name (within `project` when given). Sweeps name their runs
 * `sweep/size-kK-mode-sS`; the part after the slash also works with the sweep named before it.
 * Ambiguous → USAGE listing candidates; missing → NOT_FOUND.
 */
export async function resolveRunId(client: StratumClient, ref: string, project?: string, options?: RequestOptions): Promise<string> {
  const text = ref.trim();
  if (!text) throw new StratumError('USAGE', 'a run name or id is required');
  if (isUuid(text)) return text.toLowerCase();
  const scope = project ? { project } : {};
  if (looksLikePrefix(text)) {
    const matches = await firstRuns(client, { ...scope, idPrefix: text }, LISTED, options);
    if (matches.length === 1) return (matches[0] as RunSummary).id;
    if (matches.length > 1) throw ambiguous('run id', text, await describeRuns(client, matches.slice(0, LISTED), options), matches.length > LISTED);
  }
  const named = (await firstRuns(client, { ...scope, nameContains: text }, NAME_MATCHES, options)).filter((r) => r.name === text);
  if (named.length === 1) return (named[0] as RunSummary).id;
  if (named.length > 1) {
    throw new StratumError('USAGE', `several runs are named "${text}"; choose one with --project, or give its id:\n  ${(await describeRuns(client, named.slice(0, LISTED), options)).join('\n  ')}`);
  }
  const slash = text.lastIndexOf('/');
  if (slash > 0) {
    // `sweep/run` where the run's own name lacks the sweep's (runs not made by a sweep spec).
    const sweep = await resolveSweep(client, text.slice(0, slash), project, options);
    const name = text.slice(slash + 1);
    const exact = (await firstRuns(client, { sweepId: sweep.id, nameContains: name }, NAME_MATCHES, options)).filter((r) => r.name === name);
    if (exact.length === 0) throw new StratumError('NOT_FOUND', `sweep "${sweep.name}" has no run named "${name}" or "${text}"`);
    return (exact[0] as RunSummary).id;
  }
  throw new StratumError('NOT_FOUND', `run "${text}" not found${project ? ` in project "${project}"` : ''}${looksLikePrefix(text) ? ' (by name or as the start of an id)' : ''}`);
}
