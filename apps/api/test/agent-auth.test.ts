// Agents and least privilege: token binding on registration, an agent acting only as itself and
// only on jobs it holds, no agent access to anything else, no researcher access to the agent
// protocol; and the dashboard's agents/queue views.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, type IntrospectionQuery, type IntrospectionField, type IntrospectionTypeRef } from 'graphql';
import { startTestApi, type TestApi } from './harness.js';
import {
  claim, CLAIM, COMPLETE, errorCode, FAIL, HEARTBEAT, LOG_COLUMNS, REGISTER, registerTestAgent, REGISTER_CHECKPOINT, RELEASE,
  REPORT_EVALUATION, REPORT_PATCH, REPORT_SIMILARITY, seedJobs,
} from './agent-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

const AGENT_MUTATIONS = [
  'registerAgent', 'setAgentStatus', 'claimJob', 'heartbeat', 'logMetrics', 'completeJob', 'failJob', 'releaseJob',
  'reportEvaluation', 'reportSimilarity', 'reportPatchDiagnostics', 'registerCheckpoint',
];
/** Root fields an AGENT token may use besides the agent protocol. */
const AGENT_ALSO = new Set(['viewer']);

describe('registration binds an agent token', () => {
  it('binds an unbound AGENT token to the agent it registers; re-registering updates the same agent', async () => {
    const { token } = await t.api.services.tokens.create('AGENT', 'host-a');
    const before = await t.ok<{ viewer: { agentId: string | null } }>('{ viewer { agentId } }', {}, { token });
    expect(before.viewer.agentId).toBeNull();
    // Unbound, it can do nothing but register.
    const unbound = await t.gql(CLAIM, { agentId: crypto.randomUUID() }, { token });
    expect(errorCode(unbound)).toBe('FORBIDDEN');
    expect(unbound.errors?.[0]?.message).toMatch(/call registerAgent first/);
    const first = await t.ok<{ registerAgent: { id: string; host: string; backends: string[]; status: string } }>(REGISTER, { name: 'host-a-0', host: 'a.example', backends: ['cpu'], devices: [], labels: { zone: 'a' }, version: '0.1.0' }, { token });
    const after = await t.ok<{ viewer: { agentId: string } }>('{ viewer { agentId } }', {}, { token });
    expect(after.viewer.agentId).toBe(first.registerAgent.id);
    const again = await t.ok<{ registerAgent: { id: string; host: string; backends: string[] } }>(REGISTER, { name: 'host-a-0', host: 'a2.example', backends: ['tensorflow', 'cpu'] }, { token });
    expect(again.registerAgent).toMatchObject({ id: first.registerAgent.id, host: 'a2.example', backends: ['tensorflow', 'cpu'] });
    // …but not as another agent, nor can another token take this one's name.
    const other = await t.gql(REGISTER, { name: 'host-a-1', host: 'a.example' }, { token });
    expect(errorCode(other)).toBe('FORBIDDEN');
    expect(other.errors?.[0]?.message).toMatch(/bound to agent "host-a-0"/);
    const { token: intruder } = await t.api.services.tokens.create('AGENT', 'intruder');
    const hijack = await t.gql(REGISTER, { name: 'host-a-0', host: 'evil.example' }, { token: intruder });
    expect(errorCode(hijack)).toBe('FORBIDDEN');
    const { rows } = await t.api.services.pool.query<{ host: string }>('SELECT host FROM agents WHERE name = $1', ['host-a-0']);
    expect(rows).toEqual([{ host: 'a2.example' }]); // the refused registration changed nothing
    const intruderView = await t.ok<{ viewer: { agentId: string | null } }>('{ viewer { agentId } }', {}, { token: intruder });
    expect(intruderView.viewer.agentId).toBeNull();
  });

  it('refuses malformed registrations with the field named', async () => {
    const { token } = await t.api.services.tokens.create('AGENT', 'bad');
    const badLabels = await t.gql(REGISTER, { name: 'bad-1', host: 'h', labels: { nested: { no: true } } }, { token });
    expect(badLabels.errors?.[0]?.message).toMatch(/labels.nested must be a string/);
    const badDevices = await t.gql(REGISTER, { name: 'bad-1', host: 'h', devices: { gpu: 1 } }, { token });
    expect(badDevices.errors?.[0]?.message).toMatch(/devices must be a JSON list/);
    const badName = await t.gql(REGISTER, { name: 'has spaces', host: 'h' }, { token });
    expect(errorCode(badName)).toBe('BAD_USER_INPUT');
  });
});

describe('an agent acts only as itself, only on jobs it holds', () => {
  it('cannot claim as another agent, nor touch a job another agent holds, even with the right fencing token', async () => {
    const a = await registerTestAgent(t);
    const b = await registerTestAgent(t);
    await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`);
    await seedJobs(t);
    const asB = await t.gql(CLAIM, { agentId: b.agentId }, { token: a.token });
    expect(errorCode(asB)).toBe('FORBIDDEN');
    const held = (await claim(t, b))!;
    const vars = { jobId: held.jobId, token: held.fencingToken };
    const asA = { token: a.token };
    const responses = await Promise.all([
      t.gql(HEARTBEAT, vars, asA),
      t.gql(LOG_COLUMNS, { ...vars, batchId: 'x', columns: { keys: ['k'], steps: [1], values: [1] } }, asA),
      t.gql(REPORT_EVALUATION, { ...vars, evaluations: [{ step: 1, kind: 'GEOMETRY', metric: 'm', target: 't', dataset: 'd', value: 1 }] }, asA),
      t.gql(REPORT_SIMILARITY, { ...vars, matrix: { kind: 'LINEAR_CKA', step: 1, dataset: 'd', rowLabels: ['a'], colLabels: ['a'], values: [1] } }, asA),
      t.gql(REPORT_PATCH, { ...vars, diagnostics: [{ step: 1, dataset: 'd', block: 1 }] }, asA),
      t.gql(REGISTER_CHECKPOINT, { ...vars, step: 1, sha256: 'c'.repeat(64), bytes: 1, uri: 'file:///x' }, asA),
      t.gql(COMPLETE, vars, asA),
      t.gql(FAIL, { ...vars, error: 'x', retryable: false }, asA),
      t.gql(RELEASE, vars, asA),
    ]);
    for (const response of responses) {
      expect(errorCode(response)).toBe('LEASE_LOST');
      expect(response.errors?.[0]?.message).toMatch(/this agent does not hold the job/);
    }
    const row = await t.api.services.pool.query<{ status: string; lease_owner: string }>('SELECT status::text, lease_owner FROM jobs WHERE id = $1', [held.jobId]);
    expect(row.rows[0]).toEqual({ status: 'RUNNING', lease_owner: b.agentId });
    const writes = await t.api.services.pool.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM metric_points WHERE run_id = $1) + (SELECT count(*) FROM evaluations WHERE run_id = $1)
            + (SELECT count(*) FROM similarity_matrices WHERE run_id = $1) + (SELECT count(*) FROM patch_diagnostics WHERE run_id = $1)
            + (SELECT count(*) FROM checkpoints WHERE run_id = $1) AS n`, [held.runId]);
    expect(Number(writes.rows[0]!.n)).toBe(0);
    // an unknown job is NOT_FOUND, a malformed id BAD_USER_INPUT
    expect(errorCode(await t.gql(HEARTBEAT, { jobId: crypto.randomUUID(), token: '1' }, asA))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(HEARTBEAT, { jobId: 'nope', token: '1' }, asA))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(HEARTBEAT, { jobId: held.jobId, token: '-1' }, asA))).toBe('BAD_USER_INPUT');
  });

  it('ADMIN may act on any job (operators, tests) but still needs the current fencing token', async () => {
    const b = await registerTestAgent(t);
    await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`);
    await seedJobs(t);
    const held = (await claim(t, b))!;
    expect(errorCode(await t.gql(HEARTBEAT, { jobId: held.jobId, token: String(BigInt(held.fencingToken) + 1n) }, 'admin'))).toBe('LEASE_LOST');
    const beat = await t.gql<{ heartbeat: { cancelRequested: boolean } }>(HEARTBEAT, { jobId: held.jobId, token: held.fencingToken }, 'admin');
    expect(beat.data?.heartbeat.cancelRequested).toBe(false);
  });
});

function requiredArgs(field: IntrospectionField): IntrospectionField['args'] {
  return field.args.filter((arg) => arg.type.kind === 'NON_NULL' && arg.defaultValue === null);
}

function named(type: IntrospectionTypeRef): { kind: string; name: string } {
  let current = type as IntrospectionTypeRef & { ofType?: IntrospectionTypeRef; name?: string };
  while (current.ofType) current = current.ofType as typeof current;
  return { kind: current.kind, name: current.name ?? '' };
}

function printType(type: IntrospectionTypeRef): string {
  const t2 = type as IntrospectionTypeRef & { ofType?: IntrospectionTypeRef; name?: string };
  if (t2.kind === 'NON_NULL') return `${printType(t2.ofType!)}!`;
  if (t2.kind === 'LIST') return `[${printType(t2.ofType!)}]`;
  return t2.name!;
}

describe('the auth matrix of the agent protocol', () => {
  it('readers and writers cannot call any agent mutation', async () => {
    const schema = (await t.ok<IntrospectionQuery>(getIntrospectionQuery())).__schema;
    const mutations = schema.types.find((type) => type.name === schema.mutationType?.name) as unknown as { fields: IntrospectionField[] };
    const fields = mutations.fields.filter((f) => AGENT_MUTATIONS.includes(f.name));
    expect(fields.map((f) => f.name).sort()).toEqual([...AGENT_MUTATIONS].sort());
    for (const field of fields) {
      for (const role of ['reader', 'writer'] as const) {
        const response = await callWithDummies(field, 'mutation', schema, role);
        expect(response, `${field.name} has argument shapes the generic caller cannot fake`).not.toBeNull();
        expect(errorCode(response!), `${role} → ${field.name}`).toBe('FORBIDDEN');
      }
    }
  });

  it('an agent token can use nothing outside the agent protocol', async () => {
    const agent = await registerTestAgent(t);
    const schema = (await t.ok<IntrospectionQuery>(getIntrospectionQuery())).__schema;
    let checked = 0;
    for (const [operation, typeName] of [['query', schema.queryType.name], ['mutation', schema.mutationType?.name]] as const) {
      const type = schema.types.find((candidate) => candidate.name === typeName) as unknown as { fields: IntrospectionField[] } | undefined;
      for (const field of type?.fields ?? []) {
        if (AGENT_MUTATIONS.includes(field.name) || AGENT_ALSO.has(field.name) || field.name.startsWith('__')) continue;
        const response = await callWithDummies(field, operation, schema, { token: agent.token });
        if (response === null) continue; // an argument shape this generic caller cannot fake
        expect(errorCode(response), `agent → ${field.name}`).toBe('FORBIDDEN');
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3); // at least agents, agent and queue
  });

  async function callWithDummies(field: IntrospectionField, operation: 'query' | 'mutation', schema: IntrospectionQuery['__schema'], as: 'reader' | 'writer' | { token: string }) {
    const variables: Record<string, unknown> = {};
    for (const arg of requiredArgs(field)) {
      const base = named(arg.type);
      const list = printType(arg.type).includes('[');
      const scalar: Record<string, unknown> = { ID: crypto.randomUUID(), String: 'x', Int: 1, Float: 1, Boolean: true, JSON: {} };
      let value: unknown;
      if (base.kind === 'SCALAR') value = scalar[base.name] ?? 'x';
      else if (base.kind === 'ENUM') {
        const e = schema.types.find((type) => type.name === base.name) as unknown as { enumValues: Array<{ name: string }> };
        value = e.enumValues[0]!.name;
      } else if (base.kind === 'INPUT_OBJECT') {
        const input = schema.types.find((type) => type.name === base.name) as unknown as { inputFields: Array<{ name: string; type: IntrospectionTypeRef; defaultValue: string | null }> };
        const fieldsOk = input.inputFields.filter((f) => f.type.kind === 'NON_NULL' && f.defaultValue === null).every((f) => ['SCALAR', 'ENUM'].includes(named(f.type).kind));
        if (!fieldsOk) return null;
        value = Object.fromEntries(input.inputFields.filter((f) => f.type.kind === 'NON_NULL' && f.defaultValue === null).map((f) => {
          const n = named(f.type);
          const fieldList = printType(f.type).includes('[');
          const v = n.kind === 'ENUM' ? (schema.types.find((type) => type.name === n.name) as unknown as { enumValues: Array<{ name: string }> }).enumValues[0]!.name : (scalar[n.name] ?? 'x');
          return [f.name, fieldList ? [v] : v];
        }));
      } else return null;
      variables[arg.name] = list ? [value] : value;
    }
    const declared = requiredArgs(field).map((arg) => `$${arg.name}: ${printType(arg.type)}`).join(', ');
    const passed = requiredArgs(field).map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const returns = named(field.type);
    const selection = returns.kind === 'OBJECT' ? '{ __typename }' : '';
    const query = `${operation}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selection} }`;
    return t.gql(query, variables, as);
  }
});

describe('dashboard views', () => {
  it('agents lists each agent with the jobs it holds; queue lists jobs in claim order', async () => {
    await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')`);
    const worker = await registerTestAgent(t, { name: 'zz-worker' });
    const idle = await registerTestAgent(t, { name: 'zz-idle' });
    const low = await seedJobs(t, { count: 2, priority: 1, staggerSeconds: 5 });
    const high = await seedJobs(t, { count: 2, priority: 9, staggerSeconds: 5 });
    const running = (await claim(t, worker))!; // takes high[0]
    expect(running.jobId).toBe(high[0]!.jobId);
    const backingOff = low[0]!;
    await t.api.services.pool.query(`UPDATE jobs SET not_before = now() + interval '1 minute' WHERE id = $1`, [backingOff.jobId]);

    const queue = await t.ok<{ queue: Array<{ position: number; jobId: string; status: string; runnable: boolean; runName: string; runStatus: string; leaseOwnerName: string | null; attempts: number; notBefore: string }> }>(
      '{ queue { position jobId status runnable runName runStatus leaseOwnerName attempts notBefore } }', {}, 'reader',
    );
    expect(queue.queue.map((q) => q.jobId)).toEqual([running.jobId, high[1]!.jobId, low[1]!.jobId, backingOff.jobId]);
    expect(queue.queue.map((q) => q.position)).toEqual([0, 1, 2, 3]);
    expect(queue.queue[0]).toMatchObject({ status: 'RUNNING', runStatus: 'RUNNING', leaseOwnerName: 'zz-worker', attempts: 1 });
    expect(queue.queue.map((q) => q.runnable)).toEqual([false, true, true, false]);
    // The listing's order is the order claims take them.
    const next = (await claim(t, idle))!;
    expect(next.jobId).toBe(queue.queue[1]!.jobId);

    const agents = await t.ok<{ agents: Array<{ name: string; status: string; currentJob: { jobId: string; runId: string } | null; currentJobs: Array<{ jobId: string }> }> }>(
      '{ agents(first: 500) { name status currentJob { jobId runId } currentJobs { jobId } } }', {}, 'reader',
    );
    const byName = new Map(agents.agents.map((a) => [a.name, a]));
    expect(byName.get('zz-worker')).toMatchObject({ status: 'ONLINE', currentJob: { jobId: running.jobId, runId: running.runId }, currentJobs: [{ jobId: running.jobId }] });
    expect(byName.get('zz-idle')?.currentJobs).toEqual([{ jobId: next.jobId }]);
    const finished = await t.ok<{ queue: Array<{ jobId: string }> }>('{ queue(status: [CANCELLED], first: 1) { jobId } }', {}, 'reader');
    expect(finished.queue).toHaveLength(1);
    const tooMany = await t.gql('{ queue(first: 100000) { jobId } }', {}, 'reader');
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
  });
});
