// runs / run and the run mutations: filters (including config JSON paths and tags), ordering,
// cursor pagination edges, relations through DataLoaders, cancel / retry / tags / notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { errorCode, errorField, seedEvaluation, seedRun } from './research-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000', MAX_PAGE_SIZE: '20' }); });
afterAll(async () => { await t.close(); });

const RUNS = `query($filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String) {
  runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name seed } } nodes { id } } }`;

interface Page { runs: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }; edges: Array<{ cursor: string; node: { id: string; name: string; seed: number } }>; nodes: Array<{ id: string }> } }

const ids: Record<string, string> = {};
beforeAll(async () => {
  // 13 runs in one project; created in one statement each, so created_at ties are likely and
  // pagination must break them by id.
  for (let seed = 0; seed < 13; seed++) {
    ids[`r${seed}`] = await seedRun(t, {
      name: `run-${String(seed).padStart(2, '0')}`, seed, project: 'runs-test',
      mode: seed % 3 === 0 ? 'E2E' : seed % 3 === 1 ? 'BLOCKWISE_SIMULTANEOUS' : 'BLOCKWISE_SEQUENTIAL',
      modelSize: seed < 7 ? 'nano' : 'micro', blocks: seed % 2 ? 2 : 3, status: seed < 10 ? 'SUCCEEDED' : 'FAILED',
      config: { optimizer: { lr: seed < 5 ? 0.001 : 0.002, betas: [0.9, 0.95] }, note: seed === 4 ? null : 'x', model: { tubelet: [8, 4, 4] } },
      tags: seed % 4 === 0 ? ['paper', 'fig3'] : seed % 4 === 1 ? ['paper'] : [],
    });
  }
  await t.api.services.pool.query(`UPDATE runs SET created_at = '2026-01-01T00:00:00Z' WHERE name IN ('run-03', 'run-04', 'run-05', 'run-06')`);
  await seedRun(t, { name: 'elsewhere', project: 'other-project' });
});

async function allPages(vars: Record<string, unknown>, first: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page: Page = await t.ok<Page>(RUNS, { ...vars, first, after }, 'reader');
    seen.push(...page.runs.edges.map((e) => e.node.name));
    expect(page.runs.nodes.map((n) => n.id)).toEqual(page.runs.edges.map((e) => e.node.id));
    expect(page.runs.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.runs.pageInfo.hasNextPage) return seen;
    after = page.runs.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('runs connection', () => {
  it('pages through every run exactly once in every order, ties included', async () => {
    const filter = { project: 'runs-test' };
    const names = Array.from({ length: 13 }, (_, i) => `run-${String(i).padStart(2, '0')}`);
    for (const first of [1, 4, 5, 13, 20]) {
      expect(await allPages({ filter, orderBy: { field: 'NAME', direction: 'ASC' } }, first)).toEqual(names);
    }
    expect(await allPages({ filter, orderBy: { field: 'NAME', direction: 'DESC' } }, 4)).toEqual([...names].reverse());
    expect(await allPages({ filter, orderBy: { field: 'SEED', direction: 'DESC' } }, 3)).toEqual([...names].reverse());
    const byCreated = await allPages({ filter }, 2);
    expect([...byCreated].sort()).toEqual(names);
    expect(byCreated.slice(-4).sort()).toEqual(['run-03', 'run-04', 'run-05', 'run-06']); // oldest last
    const byStarted = await allPages({ filter, orderBy: { field: 'STARTED_AT', direction: 'ASC' } }, 5); // all NULL: ties everywhere
    expect([...byStarted].sort()).toEqual(names);
  });

  it('has sensible edges: exact multiples, an empty result, the total count', async () => {
    const first = await t.ok<Page>(RUNS, { filter: { project: 'runs-test' }, orderBy: { field: 'NAME', direction: 'ASC' }, first: 13 }, 'reader');
    expect(first.runs.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(first.runs.totalCount).toBe(13);
    const twelve = await t.ok<Page>(RUNS, { filter: { project: 'runs-test' }, orderBy: { field: 'NAME', direction: 'ASC' }, first: 12 }, 'reader');
    expect(twelve.runs.pageInfo.hasNextPage).toBe(true);
    const last = await t.ok<Page>(RUNS, { filter: { project: 'runs-test' }, orderBy: { field: 'NAME', direction: 'ASC' }, first: 12, after: twelve.runs.pageInfo.endCursor }, 'reader');
    expect(last.runs.edges.map((e) => e.node.name)).toEqual(['run-12']);
    expect(last.runs.pageInfo.hasNextPage).toBe(false);
    const beyond = await t.ok<Page>(RUNS, { filter: { project: 'runs-test' }, orderBy: { field: 'NAME', direction: 'ASC' }, first: 5, after: last.runs.pageInfo.endCursor }, 'reader');
    expect(beyond.runs).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null }, totalCount: 13 });
    const none = await t.ok<Page>(RUNS, { filter: { project: 'no-such-project' }, first: 5 }, 'reader');
    expect(none.runs).toMatchObject({ edges: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null } });
  });

  it('treats explicit nulls in the filter as absent', async () => {
    const everything = await t.ok<Page>(RUNS, { first: 20 }, 'reader');
    const nulls = await t.ok<Page>(RUNS, { first: 20, filter: { project: null, projectId: null, sweepId: null, status: null, mode: null, modelSize: null, blocks: null, seed: null, tags: null, nameContains: null, config: null, ids: null } }, 'reader');
    expect(nulls.runs.totalCount).toBe(everything.runs.totalCount);
    expect(nulls.runs.totalCount).toBe(14);
    const evaluations = await t.ok<{ run: { evaluations: unknown[] } }>(
      'query($id: ID!) { run(id: $id) { evaluations(filter: { dataset: null, step: null, kind: null }) { id } } }', { id: ids.r0 }, 'reader');
    expect(evaluations.run.evaluations).toEqual([]);
  });

  it.each([
    ['status', { status: ['FAILED'] }, ['run-10', 'run-11', 'run-12']],
    ['mode', { mode: ['E2E'] }, ['run-00', 'run-03', 'run-06', 'run-09', 'run-12']],
    ['model size', { modelSize: ['micro'] }, ['run-07', 'run-08', 'run-09', 'run-10', 'run-11', 'run-12']],
    ['K', { blocks: [2], seed: [1, 2, 3] }, ['run-01', 'run-03']],
    ['tags (all of)', { tags: ['paper', 'fig3'] }, ['run-00', 'run-04', 'run-08', 'run-12']],
    ['a tag', { tags: ['paper'] }, ['run-00', 'run-01', 'run-04', 'run-05', 'run-08', 'run-09', 'run-12']],
    ['name substring (wildcards literal)', { nameContains: 'N-1' }, ['run-10', 'run-11', 'run-12']],
    ['a literal %', { nameContains: '%' }, []],
    ['a config number', { config: [{ path: 'optimizer.lr', equals: 0.001 }] }, ['run-00', 'run-01', 'run-02', 'run-03', 'run-04']],
    ['a config array element', { config: [{ path: 'optimizer.betas.1', equals: 0.95 }, { path: 'optimizer.lr', equals: 0.002 }, { path: 'model.tubelet', equals: [8, 4, 4] }], seed: [5, 6] }, ['run-05', 'run-06']],
    ['a config null (explicit or missing)', { config: [{ path: 'note', equals: null }] }, ['run-04']],
    ['ids', { ids: [] as string[] }, ['run-02', 'run-07']],
  ])('filters by %s', async (_label, filter, expected) => {
    if ('ids' in filter) filter.ids = [ids.r2!, ids.r7!];
    const page = await t.ok<Page>(RUNS, { filter: { project: 'runs-test', ...filter }, orderBy: { field: 'NAME', direction: 'ASC' }, first: 20 }, 'reader');
    expect(page.runs.edges.map((e) => e.node.name)).toEqual(expected);
    expect(page.runs.totalCount).toBe(expected.length);
  });

  it.each([
    ['first 0', { first: 0 }, 'first'],
    ['first over the server limit', { first: 21 }, 'first'],
    ['a garbage cursor', { after: 'not-a-cursor' }, 'after'],
    ['a cursor of another ordering', { after: 'CURSOR', orderBy: { field: 'SEED', direction: 'ASC' } }, 'after'],
    ['a tampered cursor', { after: Buffer.from(JSON.stringify(['NAME', 'x', 'nope'])).toString('base64url') }, 'after'],
    ['a cursor with a bad key', { after: Buffer.from(JSON.stringify(['CREATED_AT', 'not-a-time', '00000000-0000-0000-0000-000000000000'])).toString('base64url'), orderBy: { field: 'CREATED_AT', direction: 'DESC' } }, 'after'],
    ['a malformed config path', { filter: { config: [{ path: 'a..b', equals: 1 }] } }, 'filter.config.0.path'],
    ['a malformed project id', { filter: { projectId: 'p1' } }, 'filter.projectId'],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (_label, change, field) => {
    const vars: Record<string, unknown> = { first: 5, orderBy: { field: 'NAME', direction: 'ASC' }, ...change };
    if (vars.after === 'CURSOR') {
      const page = await t.ok<Page>(RUNS, { first: 1, orderBy: { field: 'NAME', direction: 'ASC' } }, 'reader');
      vars.after = page.runs.pageInfo.endCursor;
    }
    const response = await t.gql(RUNS, vars, 'reader');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(errorField(response)).toBe(field);
  });
});

describe('run', () => {
  it('returns config, status, timings, agent, jobs, checkpoints and filtered evaluations', async () => {
    const pool = t.api.services.pool;
    const run = ids.r3!;
    const agent = (await pool.query<{ id: string }>(`INSERT INTO agents (name, host) VALUES ('gpu-host-1', 'h1') RETURNING id`)).rows[0]!.id;
    await pool.query(`UPDATE runs SET agent_id = $2, backend = 'tensorflow-gpu', started_at = '2026-01-01T00:00:00Z', finished_at = '2026-01-01T01:30:00Z' WHERE id = $1`, [run, agent]);
    await pool.query(`INSERT INTO jobs (run_id, status, attempts, lease_owner, last_error, created_at) VALUES ($1, 'FAILED', 3, $2, 'oom', now() - interval '1 hour'), ($1, 'SUCCEEDED', 1, $2, NULL, now())`, [run, agent]);
    await pool.query(`INSERT INTO checkpoints (run_id, step, uri, sha256, bytes) VALUES ($1, 200, 'file:///b', 'bb', 2048), ($1, 100, 'file:///a', 'aa', 1024)`, [run]);
    for (const depth of [1, 2]) {
      await seedEvaluation(t, run, { depth, value: 0.1 * depth, step: 100 });
      await seedEvaluation(t, run, { depth, value: 0.2 * depth, step: 200 });
    }
    await seedEvaluation(t, run, { kind: 'KNN_RETRIEVAL', metric: 'mAP', depth: 2, value: 0.15, step: 200 });
    const data = await t.ok<{ run: Record<string, unknown> & { evaluations: Array<{ step: number; depth: number; value: number; kind: string }>; latest: Array<{ step: number; depth: number; value: number }>; jobs: Array<{ status: string; attempts: number; lastError: string | null }> } }>(
      `query($id: ID!) { run(id: $id) { id name status mode modelSize blocks seed config backend agentName durationSeconds latestJobAgentName tags
        project { name } sweep { id }
        jobs { status attempts lastError } checkpoints { step uri sha256 bytes }
        evaluations(filter: { kind: [LINEAR_PROBE] }) { step depth value kind }
        latest: evaluations(filter: { latestOnly: true, metric: ["accuracy"] }) { step depth value } } }`, { id: run }, 'reader');
    expect(data.run).toMatchObject({
      id: run, name: 'run-03', status: 'SUCCEEDED', mode: 'E2E', modelSize: 'nano', blocks: 2, seed: 3, backend: 'tensorflow-gpu',
      agentName: 'gpu-host-1', latestJobAgentName: 'gpu-host-1', durationSeconds: 5400, project: { name: 'runs-test' }, sweep: null,
      config: { optimizer: { lr: 0.001, betas: [0.9, 0.95] }, note: 'x', model: { tubelet: [8, 4, 4] } },
      checkpoints: [{ step: 100, uri: 'file:///a', sha256: 'aa', bytes: 1024 }, { step: 200, uri: 'file:///b', sha256: 'bb', bytes: 2048 }],
    });
    expect(data.run.jobs.map((j) => [j.status, j.attempts, j.lastError])).toEqual([['SUCCEEDED', 1, null], ['FAILED', 3, 'oom']]);
    expect(data.run.evaluations.map((e) => [e.step, e.depth, e.value])).toEqual([[100, 1, 0.1], [100, 2, 0.2], [200, 1, 0.2], [200, 2, 0.4]]);
    expect(data.run.latest.map((e) => [e.step, e.depth, e.value])).toEqual([[200, 1, 0.2], [200, 2, 0.4]]);
  });

  it('is null for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    expect((await t.ok<{ run: null }>('{ run(id: "00000000-0000-0000-0000-000000000000") { id } }', {}, 'reader')).run).toBeNull();
    const bad = await t.gql('{ run(id: "42") { id } }', {}, 'reader');
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(errorField(bad)).toBe('id');
  });

  it('batches relations of a page into one query per relation', async () => {
    const queries: string[] = [];
    const pool = t.api.services.readPool;
    const original = pool.query.bind(pool);
    (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      queries.push(text);
      return (original as (...a: unknown[]) => unknown)(...args);
    };
    try {
      await t.ok(`{ runs(filter: { project: "runs-test" }, first: 13) { nodes { project { name } agentName checkpoints { step } jobs { status } evaluations(filter: { latestOnly: true }) { value } } } }`, {}, 'reader');
    } finally {
      (pool as unknown as { query: unknown }).query = original;
    }
    const count = (needle: string) => queries.filter((q) => q.includes(needle)).length;
    expect(count('FROM "public"."projects" WHERE "public"."projects"."id" IN')).toBe(1); // the Prisma client's lookup, on the same pool
    expect(count('FROM "public"."checkpoints"')).toBe(1);
    expect(count('FROM "public"."jobs"')).toBe(1);
    expect(count('FROM evaluations')).toBe(1);
  });
});

describe('run mutations', () => {
  const CANCEL = 'mutation($id: ID!) { cancelRun(id: $id) { id status finishedAt } }';
  const RETRY = 'mutation($id: ID!) { retryRun(id: $id) { id status error finishedAt jobs { status } } }';

  it('cancels a queued run (job withdrawn) and a running one (stop requested); finished runs conflict', async () => {
    const pool = t.api.services.pool;
    const queued = await seedRun(t, { status: 'QUEUED', project: 'mutations' });
    const queuedJob = (await pool.query<{ id: string }>(`INSERT INTO jobs (run_id) VALUES ($1) RETURNING id`, [queued])).rows[0]!.id;
    const cancelled = await t.ok<{ cancelRun: { status: string; finishedAt: string } }>(CANCEL, { id: queued }, 'writer');
    expect(cancelled.cancelRun.status).toBe('CANCELLED');
    expect(cancelled.cancelRun.finishedAt).toBeTruthy();
    expect((await pool.query('SELECT status::text, cancel_requested FROM jobs WHERE id = $1', [queuedJob])).rows[0]).toEqual({ status: 'CANCELLED', cancel_requested: true });
    expect((await t.ok<{ cancelRun: { status: string } }>(CANCEL, { id: queued }, 'writer')).cancelRun.status).toBe('CANCELLED'); // idempotent

    const running = await seedRun(t, { status: 'RUNNING', project: 'mutations' });
    const runningJob = (await pool.query<{ id: string }>(`INSERT INTO jobs (run_id, status) VALUES ($1, 'RUNNING') RETURNING id`, [running])).rows[0]!.id;
    await t.ok(CANCEL, { id: running }, 'writer');
    expect((await pool.query('SELECT status::text, cancel_requested FROM jobs WHERE id = $1', [runningJob])).rows[0]).toEqual({ status: 'RUNNING', cancel_requested: true });

    const done = await seedRun(t, { status: 'SUCCEEDED', project: 'mutations' });
    expect(errorCode(await t.gql(CANCEL, { id: done }, 'writer'))).toBe('CONFLICT');
    expect(errorCode(await t.gql(CANCEL, { id: '00000000-0000-0000-0000-000000000000' }, 'writer'))).toBe('NOT_FOUND');
  });

  it('retries failed and cancelled runs with a new job like the last one; refuses others', async () => {
    const pool = t.api.services.pool;
    const failed = await seedRun(t, { status: 'FAILED', project: 'mutations' });
    await pool.query(`UPDATE runs SET error = 'diverged', finished_at = now() WHERE id = $1`, [failed]);
    await pool.query(`INSERT INTO jobs (run_id, status, priority, max_attempts, requirements, attempts) VALUES ($1, 'FAILED', 7, 5, '{"gpu": true}', 5)`, [failed]);
    const retried = await t.ok<{ retryRun: { status: string; error: string | null; finishedAt: string | null; jobs: Array<{ status: string }> } }>(RETRY, { id: failed }, 'writer');
    expect(retried.retryRun).toMatchObject({ status: 'QUEUED', error: null, finishedAt: null, jobs: [{ status: 'QUEUED' }, { status: 'FAILED' }] });
    const { rows } = await pool.query(`SELECT priority, max_attempts, requirements, attempts FROM jobs WHERE run_id = $1 AND status = 'QUEUED'`, [failed]);
    expect(rows).toEqual([{ priority: 7, max_attempts: 5, requirements: { gpu: true }, attempts: 0 }]);
    expect(errorCode(await t.gql(RETRY, { id: failed }, 'writer'))).toBe('CONFLICT'); // now QUEUED

    const stopping = await seedRun(t, { status: 'CANCELLED', project: 'mutations' });
    await pool.query(`INSERT INTO jobs (run_id, status, cancel_requested) VALUES ($1, 'RUNNING', true)`, [stopping]);
    const conflict = await t.gql(RETRY, { id: stopping }, 'writer');
    expect(errorCode(conflict)).toBe('CONFLICT');
    expect(conflict.errors?.[0]?.message).toMatch(/still has a running job/);
  });

  it('sets, adds and removes tags and notes', async () => {
    const a = ids.r10!;
    const b = ids.r11!;
    const set = await t.ok<{ setRunTags: { tags: string[] } }>('mutation($id: ID!) { setRunTags(runId: $id, tags: ["b", "a", "b"]) { tags } }', { id: a }, 'writer');
    expect(set.setRunTags.tags).toEqual(['a', 'b']);
    const added = await t.ok<{ addRunTags: Array<{ id: string; tags: string[] }> }>('mutation($ids: [ID!]!) { addRunTags(runIds: $ids, tags: ["c", "a"]) { id tags } }', { ids: [a, b, a] }, 'writer');
    expect(added.addRunTags).toEqual([{ id: a, tags: ['a', 'b', 'c'] }, { id: b, tags: ['a', 'c'] }]);
    const removed = await t.ok<{ removeRunTags: Array<{ tags: string[] }> }>('mutation($ids: [ID!]!) { removeRunTags(runIds: $ids, tags: ["a"]) { tags } }', { ids: [a, b] }, 'writer');
    expect(removed.removeRunTags.map((r) => r.tags)).toEqual([['b', 'c'], ['c']]);
    const noted = await t.ok<{ setRunNotes: { notes: string } }>('mutation($id: ID!) { setRunNotes(runId: $id, notes: "lr too high") { notes } }', { id: a }, 'writer');
    expect(noted.setRunNotes.notes).toBe('lr too high');
    expect((await t.ok<{ setRunNotes: { notes: null } }>('mutation($id: ID!) { setRunNotes(runId: $id, notes: null) { notes } }', { id: a }, 'writer')).setRunNotes.notes).toBeNull();
    const badTag = await t.gql('mutation($id: ID!) { setRunTags(runId: $id, tags: ["has space"]) { tags } }', { id: a }, 'writer');
    expect(errorCode(badTag)).toBe('BAD_USER_INPUT');
    expect(errorField(badTag)).toBe('tags');
    const unknown = await t.gql('mutation($ids: [ID!]!) { addRunTags(runIds: $ids, tags: ["x"]) { id } }', { ids: [a, '00000000-0000-0000-0000-000000000000'] }, 'writer');
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    expect((await t.ok<{ run: { tags: string[] } }>('query($id: ID!) { run(id: $id) { tags } }', { id: a }, 'reader')).run.tags).toEqual(['b', 'c']); // nothing half-applied
  });
});
