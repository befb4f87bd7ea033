// Permissions, measured: every Query, Mutation and Subscription field of the live schema is called
// by every role and without a token, and must be allowed or refused exactly as the auth matrix
// below says. The matrix is written from the issues' rules, not read from the server, and every
// field of the live schema must be classified in it (a new operation fails this test until it is).
// Then: an agent cannot read or write another agent's job; a revoked token stops working at once;
// and no token (nor its hash) ever appears in the logs of a session that uses every role.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import {
  buildClientSchema, getIntrospectionQuery, getNamedType, isNonNullType, isObjectType, type GraphQLField, type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '@stratum/api';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { subscribe, type Outcome, type Subscription } from '../support/ws.js';
import { seedRuns, tinyTrainConfig } from '../support/seed.js';
import { minimalValue } from '../support/schema.js';
import { spawnAgentDaemon } from '../support/processes.js';

type Role = 'ADMIN' | 'WRITER' | 'READER' | 'AGENT';
type Caller = Role | 'none';

// ---------------------------------------------------------------------------------------------
// The auth matrix, from the issues:
//  - issue 3: roles ADMIN ⊇ WRITER ⊇ READER; READER reads; WRITER declares sweeps, cancels,
//    retries, sets baselines and tags; anonymous requests are refused (local-dev flag off here).
//  - issue 4: the agent protocol is for AGENT tokens (and ADMIN, for operators); an agent cannot
//    use any non-agent operation.
const READ: readonly Role[] = ['ADMIN', 'WRITER', 'READER'];
const WRITE: readonly Role[] = ['ADMIN', 'WRITER'];
const AGENT_PROTOCOL: readonly Role[] = ['AGENT', 'ADMIN'];
const ANY_TOKEN: readonly Role[] = ['ADMIN', 'WRITER', 'READER', 'AGENT'];

export const AUTH_MATRIX: Record<string, readonly Role[]> = {
  // Reading: everything a researcher, a script or the dashboard reads.
  'Query.agent': READ,
  'Query.agents': READ,
  'Query.baseline': READ,
  'Query.baselines': READ,
  'Query.compareRuns': READ,
  'Query.depthProfile': READ,
  'Query.metricKeys': READ,
  'Query.metricSeries': READ,
  'Query.metricSeriesColumns': READ,
  'Query.seriesAttempts': READ,
  'Query.patchDiagnostics': READ,
  'Query.project': READ,
  'Query.projects': READ,
  'Query.queue': READ,
  'Query.regressionChecks': READ,
  'Query.run': READ,
  'Query.runs': READ,
  'Query.similarity': READ,
  'Query.sweep': READ,
  'Query.sweepGrid': READ,
  'Query.sweeps': READ,
  // "Who am I": tells any valid token its own role and label (the CLI's whoami, the agent's check).
  'Query.viewer': ANY_TOKEN,
  // Declaring and changing work.
  'Mutation.createProject': WRITE,
  'Mutation.createSweep': WRITE,
  'Mutation.cancelRun': WRITE,
  'Mutation.cancelSweep': WRITE,
  'Mutation.retryRun': WRITE,
  'Mutation.setBaseline': WRITE,
  'Mutation.checkRegression': WRITE, // stores a regression report
  'Mutation.addRunTags': WRITE,
  'Mutation.removeRunTags': WRITE,
  'Mutation.setRunTags': WRITE,
  'Mutation.setRunNotes': WRITE,
  // The agent protocol.
  'Mutation.registerAgent': AGENT_PROTOCOL,
  'Mutation.setAgentStatus': AGENT_PROTOCOL,
  'Mutation.claimJob': AGENT_PROTOCOL,
  'Mutation.heartbeat': AGENT_PROTOCOL,
  'Mutation.logMetrics': AGENT_PROTOCOL,
  'Mutation.completeJob': AGENT_PROTOCOL,
  'Mutation.failJob': AGENT_PROTOCOL,
  'Mutation.releaseJob': AGENT_PROTOCOL,
  'Mutation.reportEvaluation': AGENT_PROTOCOL,
  'Mutation.reportSimilarity': AGENT_PROTOCOL,
  'Mutation.reportPatchDiagnostics': AGENT_PROTOCOL,
  'Mutation.registerCheckpoint': AGENT_PROTOCOL,
  // Live reads for the dashboard.
  'Subscription.metricPoints': READ,
  'Subscription.queueChanged': READ,
  'Subscription.agentHeartbeat': READ,
  'Subscription.runStatusChanged': READ,
};

const CALLERS: readonly Caller[] = ['ADMIN', 'WRITER', 'READER', 'AGENT', 'none'];
const REFUSAL_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);
/** Codes that mean the test's own request was wrong, or the server broke: never acceptable. */
const BROKEN_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'INTERNAL_SERVER_ERROR', 'BAD_REQUEST']);
const AGENT_NAME = 'matrix-agent';

let t: StartedApi;
let schema: GraphQLSchema;
let pool: pg.Pool;
let matrixAgentId: string;
const tokenOf = (caller: Caller): string | null => (caller === 'none' ? null : t.tokens[caller.toLowerCase() as 'admin' | 'writer' | 'reader' | 'agent']);
const report: Record<string, unknown> = {};

type GqlError = { message: string; extensions?: { code?: string } };

async function ok<T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<T> {
  const { status, body } = await t.gql(query, variables, token);
  if (body.errors?.length || !body.data) throw new Error(`HTTP ${status}: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

beforeAll(async () => {
  t = await startApiForTest({ LOG_LEVEL: 'debug' }, { productionLogger: true });
  pool = new pg.Pool({ connectionString: t.db.url, max: 3 });
  const introspection = await t.gql(getIntrospectionQuery(), {}, t.tokens.admin);
  schema = buildClientSchema(introspection.body.data as unknown as IntrospectionQuery);
  // The shared AGENT token registers once, so that it is bound to an agent like every real one.
  matrixAgentId = (await ok<{ registerAgent: { id: string } }>('mutation { registerAgent(name: "matrix-agent", host: "matrix-host") { id } }', {}, t.tokens.agent)).registerAgent.id;
});

afterAll(async () => {
  await pool?.end();
  await t?.close();
  const dir = path.join(import.meta.dirname, '..', 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'permissions-report.json'), JSON.stringify(report, null, 2) + '\n');
});

// ---------------------------------------------------------------------------------------------
// Minimal arguments: every required argument filled with a value of the right type (often one
// that names nothing, so an allowed caller gets NOT_FOUND, LEASE_LOST, BAD_USER_INPUT or null).

/** Arguments whose minimal value would make an allowed caller refuse itself for another reason. */
const ARG_OVERRIDES: Record<string, () => unknown> = {
  agentId: () => matrixAgentId, // an AGENT token may only act as its own agent
  name: () => AGENT_NAME, // ... and only register under its own name (other mutations take any name)
  fencingToken: () => '1',
};

function operation(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, given: Record<string, unknown> = {}): { query: string; variables: Record<string, unknown> } {
  const args = field.args.filter((a) => a.name in given || (isNonNullType(a.type) && a.defaultValue === undefined));
  const variables = Object.fromEntries(args.map((a) => [a.name, a.name in given ? given[a.name] : (ARG_OVERRIDES[a.name]?.() ?? minimalValue(a.type))]));
  const defs = args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) ? '{ __typename }' : '';
  return { query: `${kind}${defs ? `(${defs})` : ''} { ${field.name}${call ? `(${call})` : ''} ${selection} }`, variables };
}

function codesOf(errors: readonly GqlError[] | undefined): string[] {
  return (errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
}

function liveFields(): Array<{ kind: 'query' | 'mutation' | 'subscription'; key: string; field: GraphQLField<unknown, unknown> }> {
  const roots = [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]] as const;
  return roots.flatMap(([kind, root]) => Object.values(root?.getFields() ?? {}).map((field) => ({ kind, key: `${root!.name}.${field.name}`, field })));
}

describe('auth matrix', () => {
  it('classifies every field of the live schema, and nothing else', () => {
    const live = liveFields().map((f) => f.key).sort();
    const unclassified = live.filter((k) => !(k in AUTH_MATRIX));
    const stale = Object.keys(AUTH_MATRIX).filter((k) => !live.includes(k));
    expect(unclassified, 'operations without an auth-matrix entry: classify them in AUTH_MATRIX').toEqual([]);
    expect(stale, 'auth-matrix entries for operations the schema no longer has').toEqual([]);
    report.fields = live.length;
  });

  it('allows and refuses every query and mutation for every role and no token as the matrix says', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const { kind, key, field } of liveFields().filter((f) => f.kind !== 'subscription')) {
      const allowed = AUTH_MATRIX[key];
      if (!allowed) continue; // reported by the test above
      for (const caller of CALLERS) {
        const { query, variables } = operation(kind as 'query' | 'mutation', field);
        const { status, body } = await t.gql(query, variables, tokenOf(caller));
        cells++;
        const codes = codesOf(body.errors);
        const broken = codes.filter((c) => BROKEN_CODES.has(c));
        if (status >= 500 || broken.length) {
          mismatches.push(`${key} as ${caller}: HTTP ${status} ${JSON.stringify(body.errors)}`);
          continue;
        }
        const refused = codes.some((c) => REFUSAL_CODES.has(c));
        const expectAllowed = caller !== 'none' && allowed.includes(caller);
        if (refused === expectAllowed) mismatches.push(`${key} as ${caller}: expected ${expectAllowed ? 'allowed' : 'refused'}, got ${JSON.stringify(body.errors ?? body.data)}`);
        if (refused && body.data?.[field.name] != null) mismatches.push(`${key} as ${caller}: refused but returned data`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(liveFields().filter((f) => f.kind !== 'subscription').length * CALLERS.length);
    report.httpCells = cells;
  });

  it('over graphql-ws too: allows and refuses every query and mutation for every role and no token as the matrix says', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const { kind, key, field } of liveFields().filter((f) => f.kind !== 'subscription')) {
      const allowed = AUTH_MATRIX[key];
      if (!allowed) continue; // reported by the first test
      for (const caller of CALLERS) {
        const { query, variables } = operation(kind as 'query' | 'mutation', field);
        // One socket per operation (the helper's), closed before the next: no per-token connection pile-up.
        const op = subscribe(t.url, tokenOf(caller), query, variables);
        const first = await op.next(15_000);
        await op.close();
        cells++;
        if (!first) {
          mismatches.push(`${key} as ${caller} over ws: no answer within 15 s`);
          continue;
        }
        const codes = first.kind === 'next' || first.kind === 'error' ? codesOf(first.errors as GqlError[] | undefined) : [];
        const broken = codes.filter((c) => BROKEN_CODES.has(c));
        if (broken.length || (first.kind === 'closed' && !isRefusal(first))) {
          mismatches.push(`${key} as ${caller} over ws: ${JSON.stringify(first)}`);
          continue;
        }
        const refused = isRefusal(first);
        const expectAllowed = caller !== 'none' && allowed.includes(caller);
        if (refused === expectAllowed) mismatches.push(`${key} as ${caller} over ws: expected ${expectAllowed ? 'allowed' : 'refused'}, got ${JSON.stringify(first)}`);
        if (refused && first.kind === 'next' && first.data?.[field.name] != null) mismatches.push(`${key} as ${caller} over ws: refused but returned data`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(liveFields().filter((f) => f.kind !== 'subscription').length * CALLERS.length);
    report.wsCells = cells;
  });

  it('subscriptions: allowed roles receive events, other roles and no token are refused', async () => {
    const [seeded] = await seedRuns(pool, 1, { prefix: 'matrix-sub', requirements: { labels: { lane: 'matrix-sub' } } });
    const agentToken = (await t.api.services.tokens.create('AGENT', 'matrix sub agent')).token;
    const agentId = (await ok<{ registerAgent: { id: string } }>('mutation { registerAgent(name: "matrix-sub-agent", host: "h", labels: { lane: "matrix-sub" }) { id } }', {}, agentToken)).registerAgent.id;
    const subscriptions: Array<{ key: string; caller: Caller; sub: Subscription }> = [];
    for (const { key, field } of liveFields().filter((f) => f.kind === 'subscription')) {
      for (const caller of CALLERS) {
        const given = field.args.some((a) => a.name === 'runId') ? { runId: seeded!.runId } : {};
        const { query, variables } = operation('subscription', field, given);
        subscriptions.push({ key, caller, sub: subscribe(t.url, tokenOf(caller), query, variables) });
      }
    }
    try {
      await Promise.all(subscriptions.map((s) => s.sub.connected));
      const waiting = () => subscriptions.filter((s) => s.caller !== 'none' && AUTH_MATRIX[s.key]!.includes(s.caller) && !s.sub.outcomes.some((o) => o.kind === 'next' && !o.errors));
      // Events: a claim (queue + run status), a metrics batch and a heartbeat, repeated (release, claim again)
      // until every allowed subscriber has one — a subscription is live a moment after it is sent.
      for (let round = 0, step = 0; round < 40 && waiting().length > 0; round++) {
        const claim = await ok<{ claimJob: { jobId: string; fencingToken: string } | null }>('mutation($a: ID!) { claimJob(agentId: $a) { jobId fencingToken } }', { a: agentId }, agentToken);
        const lease = claim.claimJob!;
        await ok('mutation($j: ID!, $f: String!, $b: String!, $c: MetricColumnsInput) { logMetrics(jobId: $j, fencingToken: $f, batchId: $b, columns: $c) { accepted } }',
          { j: lease.jobId, f: lease.fencingToken, b: `b${round}`, c: { keys: ['loss'], steps: [step++], values: [1] } }, agentToken);
        await ok('mutation($j: ID!, $f: String!) { heartbeat(jobId: $j, fencingToken: $f) { cancelRequested } }', { j: lease.jobId, f: lease.fencingToken }, agentToken);
        await ok('mutation($j: ID!, $f: String!) { releaseJob(jobId: $j, fencingToken: $f) { status } }', { j: lease.jobId, f: lease.fencingToken }, agentToken);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      const mismatches: string[] = [];
      for (const { key, caller, sub } of subscriptions) {
        const expectAllowed = caller !== 'none' && AUTH_MATRIX[key]!.includes(caller);
        const first = await sub.next(expectAllowed ? 100 : 3_000);
        const refused = isRefusal(first);
        if (expectAllowed && (refused || first?.kind !== 'next' || first.errors)) mismatches.push(`${key} as ${caller}: expected events, got ${JSON.stringify(first)}`);
        if (!expectAllowed && !refused) mismatches.push(`${key} as ${caller}: expected a refusal, got ${JSON.stringify(first)}`);
        if (!expectAllowed && sub.outcomes.some((o) => o.kind === 'next' && o.data && Object.values(o.data).some((v) => v !== null))) mismatches.push(`${key} as ${caller}: refused but received data`);
      }
      expect(mismatches).toEqual([]);
      report.subscriptionCells = subscriptions.length;
    } finally {
      await Promise.all(subscriptions.map((s) => s.sub.close()));
    }
  });
});

function isRefusal(outcome: Outcome | null): boolean {
  if (!outcome) return false;
  if (outcome.kind === 'closed') return outcome.code === 4401 || outcome.code === 4403;
  if (outcome.kind === 'next' || outcome.kind === 'error') return codesOf(outcome.errors).some((c) => REFUSAL_CODES.has(c));
  return false;
}

// ---------------------------------------------------------------------------------------------

interface Lease { jobId: string; runId: string; fencingToken: string }

const FENCED_WRITES: Record<string, { query: string; variables: (lease: Lease) => Record<string, unknown>; terminal?: boolean }> = {
  heartbeat: {
    query: 'mutation($jobId: ID!, $fencingToken: String!, $p: JSON) { heartbeat(jobId: $jobId, fencingToken: $fencingToken, progress: $p) { leaseExpiresAt } }',
    variables: () => ({ p: { step: 7 } }),
  },
  logMetrics: {
    query: 'mutation($jobId: ID!, $fencingToken: String!, $c: MetricColumnsInput) { logMetrics(jobId: $jobId, fencingToken: $fencingToken, batchId: "x", columns: $c) { accepted } }',
    variables: () => ({ c: { keys: ['loss'], steps: [1], values: [0.5] } }),
  },
  reportEvaluation: {
    query: 'mutation($jobId: ID!, $fencingToken: String!, $e: [EvaluationInput!]!) { reportEvaluation(jobId: $jobId, fencingToken: $fencingToken, evaluations: $e) { stored } }',
    variables: () => ({ e: [{ kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'mm', step: 1, depth: 1, value: 0.5 }] }),
  },
  reportSimilarity: {
    query: 'mutation($jobId: ID!, $fencingToken: String!, $m: SimilarityInput!) { reportSimilarity(jobId: $jobId, fencingToken: $fencingToken, matrix: $m) { stored } }',
    variables: () => ({ m: { kind: 'LINEAR_CKA', dataset: 'mm', step: 1, rowLabels: ['b1', 'b2'], colLabels: ['b1', 'b2'], values: [1, 0.9, 0.9, 1] } }),
  },
  reportPatchDiagnostics: {
    query: 'mutation($jobId: ID!, $fencingToken: String!, $d: [PatchDiagnosticInput!]!) { reportPatchDiagnostics(jobId: $jobId, fencingToken: $fencingToken, diagnostics: $d) { stored } }',
    variables: () => ({ d: [{ block: 1, dataset: 'mm', step: 1, tokenCosine: 0.2 }] }),
  },
  registerCheckpoint: {
    query: 'mutation($jobId: ID!, $fencingToken: String!, $s: String!) { registerCheckpoint(jobId: $jobId, fencingToken: $fencingToken, step: 1, sha256: $s, bytes: 3, uri: "file:///tmp/ck") { step } }',
    variables: () => ({ s: crypto.createHash('sha256').update('ck').digest('hex') }),
  },
  releaseJob: { query: 'mutation($jobId: ID!, $fencingToken: String!) { releaseJob(jobId: $jobId, fencingToken: $fencingToken) { status } }', variables: () => ({}), terminal: true },
  failJob: { query: 'mutation($jobId: ID!, $fencingToken: String!) { failJob(jobId: $jobId, fencingToken: $fencingToken, error: "x", retryable: true) { status } }', variables: () => ({}), terminal: true },
  completeJob: { query: 'mutation($jobId: ID!, $fencingToken: String!) { completeJob(jobId: $jobId, fencingToken: $fencingToken) { status } }', variables: () => ({}), terminal: true },
};

async function jobState(lease: Lease): Promise<Record<string, unknown>> {
  const job = await pool.query('SELECT status::text, fencing_token::text, lease_owner, lease_expires_at, attempts, progress, last_error, cancel_requested FROM jobs WHERE id = $1', [lease.jobId]);
  const counts = await pool.query(
    `SELECT (SELECT count(*) FROM metric_points WHERE run_id = $1)::int AS points, (SELECT count(*) FROM evaluations WHERE run_id = $1)::int AS evaluations,
            (SELECT count(*) FROM similarity_matrices WHERE run_id = $1)::int AS similarity, (SELECT count(*) FROM patch_diagnostics WHERE run_id = $1)::int AS patches,
            (SELECT count(*) FROM checkpoints WHERE run_id = $1)::int AS checkpoints, (SELECT status::text FROM runs WHERE id = $1) AS run_status`,
    [lease.runId],
  );
  return { ...job.rows[0], ...counts.rows[0] };
}

describe('agents and their jobs', () => {
  it('an AGENT token cannot read or write another agent\'s job, nor act as another agent', async () => {
    // Jobs only these two agents can claim (their label), so no other test's agent takes them.
    await seedRuns(pool, 2, { prefix: 'cross', requirements: { labels: { lane: 'cross' } } });
    const tokenA = (await t.api.services.tokens.create('AGENT', 'cross A')).token;
    const tokenB = (await t.api.services.tokens.create('AGENT', 'cross B')).token;
    const idA = (await ok<{ registerAgent: { id: string } }>('mutation { registerAgent(name: "cross-a", host: "h", labels: { lane: "cross" }) { id } }', {}, tokenA)).registerAgent.id;
    const idB = (await ok<{ registerAgent: { id: string } }>('mutation { registerAgent(name: "cross-b", host: "h", labels: { lane: "cross" }) { id } }', {}, tokenB)).registerAgent.id;
    const claim = async (token: string, agentId: string) => (await ok<{ claimJob: Lease }>('mutation($a: ID!) { claimJob(agentId: $a) { jobId runId fencingToken } }', { a: agentId }, token)).claimJob;
    const jobA = await claim(tokenA, idA);
    const jobB = await claim(tokenB, idB);
    expect(jobA.jobId).not.toBe(jobB.jobId);
    const before = await jobState(jobB);
    const attempts: string[] = [];
    const refusedWith = async (query: string, variables: Record<string, unknown>, label: string, codes: string[]) => {
      const { body } = await t.gql(query, variables, tokenA);
      attempts.push(label);
      const got = codesOf(body.errors);
      expect(got.some((c) => codes.includes(c)), `${label}: ${JSON.stringify(body)}`).toBe(true);
    };

    // Writes to B's job with B's own lease (job id and fencing token), sent with A's token.
    for (const [name, op] of Object.entries(FENCED_WRITES)) {
      await refusedWith(op.query, { jobId: jobB.jobId, fencingToken: jobB.fencingToken, ...op.variables(jobB) }, `${name} on B's job`, ['LEASE_LOST', 'FORBIDDEN']);
    }
    // Acting as B.
    await refusedWith('mutation($a: ID!) { claimJob(agentId: $a) { jobId } }', { a: idB }, 'claimJob as B', ['FORBIDDEN']);
    await refusedWith('mutation($a: ID!) { setAgentStatus(agentId: $a, status: DRAINING) { id } }', { a: idB }, 'setAgentStatus of B', ['FORBIDDEN']);
    await refusedWith('mutation { registerAgent(name: "cross-b", host: "stolen") { id } }', {}, 'registerAgent as B', ['FORBIDDEN']);
    // Reading B's job, run or metrics: agents read nothing outside the protocol.
    await refusedWith('query($r: ID!) { run(id: $r) { id status } }', { r: jobB.runId }, 'run of B', ['FORBIDDEN']);
    await refusedWith('query($r: ID!) { metricSeries(runIds: [$r], keys: ["loss"]) { steps } }', { r: jobB.runId }, 'metricSeries of B', ['FORBIDDEN']);
    await refusedWith('{ queue { jobId leaseOwner } }', {}, 'queue', ['FORBIDDEN']);
    await refusedWith('query($a: ID!) { agent(id: $a) { currentJob { jobId } } }', { a: idB }, 'agent B', ['FORBIDDEN']);
    const state = await jobState(jobB);
    expect(state, 'B\'s job and run are untouched').toEqual(before);
    expect(await claim(tokenA, idA), 'A cannot take B\'s job either (nothing left to claim)').toBeNull();

    // The same writes on A's own job go through: the refusals above were about ownership.
    for (const [name, op] of Object.entries(FENCED_WRITES)) {
      if (op.terminal) continue;
      await ok(op.query, { jobId: jobA.jobId, fencingToken: jobA.fencingToken, ...op.variables(jobA) }, tokenA).catch((error: Error) => {
        throw new Error(`${name} on A's own job: ${error.message}`);
      });
    }
    expect(await ok<{ completeJob: { status: string } }>(FENCED_WRITES.completeJob!.query, { jobId: jobA.jobId, fencingToken: jobA.fencingToken }, tokenA)).toEqual({ completeJob: { status: 'SUCCEEDED' } });
    // And B still holds its job and can finish it.
    expect(await ok<{ completeJob: { status: string } }>(FENCED_WRITES.completeJob!.query, { jobId: jobB.jobId, fencingToken: jobB.fencingToken }, tokenB)).toEqual({ completeJob: { status: 'SUCCEEDED' } });
    report.crossAgentAttempts = attempts.length;
  });
});

// ---------------------------------------------------------------------------------------------

describe('revoked tokens', () => {
  it('stop working at once for requests, downloads and new subscriptions, and within a second for open subscriptions', async () => {
    const reader = await t.api.services.tokens.create('READER', 'to revoke (reader)');
    const agent = await t.api.services.tokens.create('AGENT', 'to revoke (agent)');
    const [seeded] = await seedRuns(pool, 1, { prefix: 'revoke', requirements: { labels: { lane: 'revoke' } } });
    const agentId = (await ok<{ registerAgent: { id: string } }>('mutation { registerAgent(name: "revoked-agent", host: "h", labels: { lane: "revoke" }) { id } }', {}, agent.token)).registerAgent.id;
    const lease = (await ok<{ claimJob: Lease }>('mutation($a: ID!) { claimJob(agentId: $a) { jobId runId fencingToken } }', { a: agentId }, agent.token)).claimJob;
    expect(lease.runId).toBe(seeded!.runId);
    const blob = Buffer.from('revocation artifact');
    const sha = crypto.createHash('sha256').update(blob).digest('hex');
    expect((await fetch(`${t.url}/artifacts/${sha}`, {
      method: 'PUT', headers: { authorization: `Bearer ${agent.token}`, 'x-stratum-job': lease.jobId, 'x-stratum-fencing-token': lease.fencingToken }, body: blob,
    })).status).toBe(201);
    expect((await fetch(`${t.url}/artifacts/${sha}`, { headers: { authorization: `Bearer ${reader.token}` } })).status).toBe(200);
    expect((await t.gql('{ viewer { role } }', {}, reader.token)).body.data).toEqual({ viewer: { role: 'READER' } });

    // A subscription opened before the revocation, on a socket that stays open, and receiving:
    // the job is released and claimed again (as ADMIN, for the same agent) until an event arrives.
    const live = subscribe(t.url, reader.token, 'subscription { queueChanged { jobId status } }');
    await live.connected;
    let current = lease;
    for (let i = 0; i < 40 && !live.outcomes.some((o) => o.kind === 'next'); i++) {
      await ok('mutation($j: ID!, $f: String!) { releaseJob(jobId: $j, fencingToken: $f) { status } }', { j: current.jobId, f: current.fencingToken }, t.tokens.admin);
      current = (await ok<{ claimJob: Lease }>('mutation($a: ID!) { claimJob(agentId: $a) { jobId runId fencingToken } }', { a: agentId }, t.tokens.admin)).claimJob;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(live.outcomes[0]).toMatchObject({ kind: 'next', data: { queueChanged: { jobId: lease.jobId } } });
    const heard = live.outcomes.length;
    const heartbeat = 'mutation($j: ID!, $f: String!) { heartbeat(jobId: $j, fencingToken: $f) { leaseExpiresAt } }';

    expect(await t.api.services.tokens.revoke(reader.id)).toBe(true);
    expect(await t.api.services.tokens.revoke(agent.id)).toBe(true);
    const refusedAt = Date.now();
    const viewer = await t.gql('{ viewer { role } }', {}, reader.token);
    expect(viewer.status).toBe(401);
    expect(codesOf(viewer.body.errors)).toEqual(['UNAUTHENTICATED']);
    const beat = await t.gql(heartbeat, { j: current.jobId, f: current.fencingToken }, agent.token);
    expect(codesOf(beat.body.errors)).toEqual(['UNAUTHENTICATED']);
    expect((await fetch(`${t.url}/artifacts/${sha}`, { headers: { authorization: `Bearer ${reader.token}` } })).status).toBe(401);
    expect((await fetch(`${t.url}/artifacts/${sha}`, { method: 'HEAD', headers: { authorization: `Bearer ${agent.token}` } })).status).toBe(401);
    report.revokedRefusedWithinMs = Date.now() - refusedAt;

    // A new subscription on the already-open socket, and a new socket, are refused.
    const again = await new Promise<Outcome | null>((resolve) => {
      const outcomes: Outcome[] = [];
      live.client.subscribe({ query: 'subscription { queueChanged { jobId } }' }, {
        next: (value) => { outcomes.push({ kind: 'next', data: value.data as Record<string, unknown>, ...(value.errors ? { errors: value.errors as GqlError[] } : {}) }); resolve(outcomes[0]!); },
        error: (error) => resolve(Array.isArray(error) ? { kind: 'error', errors: error as GqlError[] } : { kind: 'closed', code: Number((error as { code?: number }).code ?? 0), reason: String((error as { reason?: string }).reason ?? error) }),
        complete: () => resolve(outcomes[0] ?? { kind: 'complete' }),
      });
    });
    expect(isRefusal(again), JSON.stringify(again)).toBe(true);
    const fresh = subscribe(t.url, reader.token, 'subscription { queueChanged { jobId } }');
    expect(isRefusal(await fresh.next(3_000)), JSON.stringify(fresh.outcomes)).toBe(true);
    await fresh.close();

    // The subscription opened before the revocation re-checks its token before delivering (at
    // most once a second): the next event after that is not delivered and the socket closes.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await ok('mutation($r: ID!) { cancelRun(id: $r) { status } }', { r: lease.runId }, t.tokens.writer);
    const afterRevocation = await live.next(5_000, heard);
    expect(isRefusal(afterRevocation), JSON.stringify(live.outcomes.slice(heard))).toBe(true);
    expect(live.outcomes.slice(heard).filter((o) => o.kind === 'next' && o.data), 'no event delivered after the revocation').toEqual([]);
    report.openSubscriptionAfterRevocation = 'closed with 4403 at its next event (token re-checked at most once a second per socket)';
    await live.close();
  });
});

// ---------------------------------------------------------------------------------------------

describe('tokens in logs', () => {
  it('no token, token secret or token hash appears in any log line of a session using every role', async () => {
    const pepper = t.api.services.config.TOKEN_PEPPER!;
    const sessionTokens: string[] = [...Object.values(t.tokens)];
    const create = async (role: Role, label: string) => {
      const made = await t.api.services.tokens.create(role, label);
      sessionTokens.push(made.token);
      return made;
    };
    const writer = t.tokens.writer;
    const reader = t.tokens.reader;
    const admin = t.tokens.admin;

    // Researchers: a sweep nobody will claim (its requirements match no agent), tags, notes, a
    // baseline and a check, reads of every kind, a live subscription.
    const sweep = await ok<{ createSweep: { sweep: { id: string; runs: Array<{ id: string }> } } }>(
      `mutation($i: CreateSweepInput!) { createSweep(input: $i) { sweep { id runs { id } } } }`,
      { i: { project: 'log-scan', name: 'log-sweep', factors: { modelSizes: ['nano'], blocks: [2], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS'], seeds: [0, 1] }, steps: 10, requirements: { labels: { lane: 'nobody' } } } },
      writer,
    );
    const runIds = sweep.createSweep.sweep.runs.map((r) => r.id);
    await ok('mutation($r: [ID!]!) { addRunTags(runIds: $r, tags: ["scan"]) { id } }', { r: runIds }, writer);
    await ok('mutation($r: ID!) { setRunNotes(runId: $r, notes: "token-free notes") { id } }', { r: runIds[0] }, writer);
    await ok('mutation($s: ID!) { setBaseline(project: "log-scan", name: "base", sweepId: $s) { id } }', { s: sweep.createSweep.sweep.id }, admin);
    await t.gql('mutation($s: ID!) { checkRegression(project: "log-scan", baseline: "base", candidate: { sweepId: $s }, rules: [{ metric: { source: TRAINING, key: "loss" }, maxDrop: 0.1, direction: LOWER_IS_BETTER }]) { passed } }', { s: sweep.createSweep.sweep.id }, writer);
    await ok('query($r: [ID!]!) { runs(filter: { ids: $r }) { totalCount } metricSeries(runIds: $r, keys: ["loss"]) { steps } }', { r: runIds }, reader);
    await ok('query($s: ID!) { sweepGrid(sweepId: $s, metric: { source: TRAINING, key: "loss" }) { cells { n } } }', { s: sweep.createSweep.sweep.id }, reader);
    await ok('mutation($r: ID!) { cancelRun(id: $r) { status } }', { r: runIds[1] }, writer);
    await ok('mutation($r: ID!) { retryRun(id: $r) { status } }', { r: runIds[1] }, writer);
    const watch = subscribe(t.url, reader, 'subscription { runStatusChanged { runId status } }');
    await watch.connected;

    // Mistakes that produce errors: unknown, malformed, revoked and wrong-role tokens, over HTTP,
    // WebSocket and the artifact routes.
    const revoked = await create('READER', 'log scan revoked');
    await t.api.services.tokens.revoke(revoked.id);
    const unknown = `stm_${crypto.randomBytes(32).toString('base64url')}`;
    sessionTokens.push(unknown);
    for (const token of [unknown, revoked.token]) {
      await t.gql('{ viewer { role } }', {}, token);
      await fetch(`${t.url}/artifacts/${'0'.repeat(64)}`, { headers: { authorization: `Bearer ${token}` } });
      const refused = subscribe(t.url, token, 'subscription { queueChanged { jobId } }');
      await refused.next(2_000);
      await refused.close();
    }
    await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${unknown} trailing` }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
    await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Token ${reader}` }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
    await t.gql('mutation { createProject(name: "nope") { id } }', {}, reader);
    await fetch(`${t.url}/artifacts/${'1'.repeat(64)}`, { method: 'PUT', headers: { authorization: `Bearer ${reader}` }, body: 'x' });

    // An agent daemon, the real one, runs one tiny job end to end with its own token (debug logs).
    const daemon = await create('AGENT', 'log scan daemon');
    const [job] = await seedRuns(pool, 1, { prefix: 'log-scan-daemon', config: tinyTrainConfig({ steps: 12, checkpointEvery: 6, evaluation: { clips: 32 } }) });
    const agentLog = await runAgentOnce(t.url, daemon.token);
    const finished = await pool.query<{ status: string }>('SELECT status::text FROM jobs WHERE id = $1', [job!.jobId]);
    expect(finished.rows[0]!.status, agentLog.slice(-3000)).toBe('SUCCEEDED');
    await watch.close();

    const apiLog = t.logLines.join('');
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(agentLog).toMatch(/job claimed/);
    const leaks: string[] = [];
    for (const token of sessionTokens) {
      const needles = { token, secret: token.slice('stm_'.length), hash: hashToken(token, pepper) };
      for (const [what, needle] of Object.entries(needles)) {
        if (apiLog.includes(needle)) leaks.push(`API log holds a ${what} (${token.slice(0, 10)}…)`);
        if (agentLog.includes(needle)) leaks.push(`agent log holds a ${what} (${token.slice(0, 10)}…)`);
      }
    }
    expect(leaks).toEqual([]);
    report.logScan = { tokens: sessionTokens.length, apiLogLines: t.logLines.length, agentLogBytes: agentLog.length };
  });
});

/** Runs `stratum-agent --once` against the API with debug logs; resolves with stdout + stderr. */
async function runAgentOnce(url: string, token: string): Promise<string> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-perm-agent-'));
  const daemon = spawnAgentDaemon(url, token, workDir, { STRATUM_AGENT_NAME: 'log-scan-daemon' }, ['--once']);
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), 90_000);
  await daemon.exited;
  clearTimeout(timer);
  fs.rmSync(workDir, { recursive: true, force: true });
  return daemon.output();
}
