// The auth matrix of the researcher-facing API: every query, mutation and subscription of the
// project/sweep/run/series/grid/depth/similarity/compare/regression modules, for every role and
// without a token. Reads need READER (ADMIN ⊇ WRITER ⊇ READER), writes WRITER; AGENT tokens
// get nothing here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApi, type Role, type TestApi } from './harness.js';
import { seedRun } from './research-fixtures.js';

let t: TestApi;
let runId: string;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' });
  runId = await seedRun(t, { project: 'auth-matrix' });
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await t.close();
});

const ZERO = '00000000-0000-4000-8000-000000000000';
const ZERO2 = '00000000-0000-4000-8000-000000000001';

type Need = 'READER' | 'WRITER';
const OPERATIONS: Record<string, { need: Need; document: () => string }> = {
  projects: { need: 'READER', document: () => '{ projects { id } }' },
  project: { need: 'READER', document: () => '{ project(name: "auth-matrix") { id } }' },
  sweeps: { need: 'READER', document: () => '{ sweeps { id } }' },
  sweep: { need: 'READER', document: () => `{ sweep(id: "${ZERO}") { id } }` },
  runs: { need: 'READER', document: () => '{ runs(first: 1) { totalCount } }' },
  run: { need: 'READER', document: () => `{ run(id: "${runId}") { id } }` },
  metricSeries: { need: 'READER', document: () => `{ metricSeries(runIds: ["${runId}"], keys: ["loss"]) { steps } }` },
  metricKeys: { need: 'READER', document: () => `{ metricKeys(runIds: ["${runId}"]) { key } }` },
  sweepGrid: { need: 'READER', document: () => `{ sweepGrid(sweepId: "${ZERO}", metric: { source: TRAINING }) { cells { n } } }` },
  depthProfile: { need: 'READER', document: () => `{ depthProfile(runIds: ["${runId}"], metric: { source: TRAINING }) { points { depth } } }` },
  similarity: { need: 'READER', document: () => `{ similarity(runId: "${runId}") { id } }` },
  patchDiagnostics: { need: 'READER', document: () => `{ patchDiagnostics(runId: "${runId}") { id } }` },
  compareRuns: { need: 'READER', document: () => `{ compareRuns(a: "${ZERO}", b: "${ZERO2}") { configDiff { path } } }` },
  baselines: { need: 'READER', document: () => '{ baselines(project: "auth-matrix") { id } }' },
  baseline: { need: 'READER', document: () => '{ baseline(project: "auth-matrix", name: "x") { id } }' },
  regressionChecks: { need: 'READER', document: () => '{ regressionChecks(project: "auth-matrix", baseline: "x") { id } }' },
  createProject: { need: 'WRITER', document: () => 'mutation { createProject(name: "auth-matrix") { id } }' },
  createSweep: {
    need: 'WRITER',
    document: () => `mutation { createSweep(input: { project: "auth-matrix", name: "tiny-grid", factors: { modelSizes: ["nano"], blocks: [3], modes: [E2E], seeds: [0] }, steps: 5 }) { created } }`,
  },
  cancelSweep: { need: 'WRITER', document: () => `mutation { cancelSweep(id: "${ZERO}") { cancelledRuns } }` },
  cancelRun: { need: 'WRITER', document: () => `mutation { cancelRun(id: "${ZERO}") { id } }` },
  retryRun: { need: 'WRITER', document: () => `mutation { retryRun(id: "${ZERO}") { id } }` },
  setRunTags: { need: 'WRITER', document: () => `mutation { setRunTags(runId: "${runId}", tags: ["auth"]) { tags } }` },
  addRunTags: { need: 'WRITER', document: () => `mutation { addRunTags(runIds: ["${runId}"], tags: ["auth"]) { tags } }` },
  removeRunTags: { need: 'WRITER', document: () => `mutation { removeRunTags(runIds: ["${runId}"], tags: ["gone"]) { tags } }` },
  setRunNotes: { need: 'WRITER', document: () => `mutation { setRunNotes(runId: "${runId}", notes: "n") { notes } }` },
  setBaseline: { need: 'WRITER', document: () => `mutation { setBaseline(project: "auth-matrix", name: "b", runIds: ["${runId}"]) { id } }` },
  checkRegression: {
    need: 'WRITER',
    document: () => `mutation { checkRegression(project: "auth-matrix", baseline: "nope", candidate: { runIds: ["${runId}"] }, rules: [{ metric: { source: TRAINING }, maxDrop: 0.1 }]) { passed } }`,
  },
};

const SUBSCRIPTIONS: Record<string, () => string> = {
  runStatusChanged: () => 'subscription { runStatusChanged { runId } }',
  metricPoints: () => `subscription { metricPoints(runId: "${runId}") { runId } }`,
  queueChanged: () => 'subscription { queueChanged { jobId } }',
  agentHeartbeat: () => 'subscription { agentHeartbeat { jobId } }',
};

const ROLES: Array<Role | 'anonymous'> = ['admin', 'writer', 'reader', 'agent', 'anonymous'];

function allowed(role: Role | 'anonymous', need: Need): boolean {
  if (role === 'admin' || role === 'writer') return true;
  return role === 'reader' && need === 'READER';
}

describe('auth matrix', () => {
  it('covers operations that exist in the schema', async () => {
    const schema = await t.ok<{ __schema: { queryType: { fields: Array<{ name: string }> }; mutationType: { fields: Array<{ name: string }> }; subscriptionType: { fields: Array<{ name: string }> } } }>(
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }');
    const names = new Set([...schema.__schema.queryType.fields, ...schema.__schema.mutationType.fields, ...schema.__schema.subscriptionType.fields].map((f) => f.name));
    for (const name of [...Object.keys(OPERATIONS), ...Object.keys(SUBSCRIPTIONS)]) expect(names.has(name), name).toBe(true);
  });

  for (const [name, op] of Object.entries(OPERATIONS)) {
    it(`${name} needs ${op.need}`, async () => {
      for (const role of ROLES) {
        const response = await t.gql(op.document(), {}, role === 'anonymous' ? { token: null } : role);
        const codes = (response.errors ?? []).map((e) => e.extensions?.code);
        if (role === 'anonymous') {
          expect(response.status, `${name} as ${role}`).toBe(401);
          expect(codes, `${name} as ${role}`).toEqual(['UNAUTHENTICATED']);
        } else if (allowed(role, op.need)) {
          expect(codes.filter((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED'), `${name} as ${role}: ${JSON.stringify(response.errors)}`).toEqual([]);
          expect(codes.filter((c) => c === 'INTERNAL_SERVER_ERROR'), `${name} as ${role}`).toEqual([]);
        } else {
          expect(codes, `${name} as ${role}`).toEqual(['FORBIDDEN']);
          expect(response.data?.[name] ?? null).toBeNull();
        }
      }
    });
  }

  for (const [name, document] of Object.entries(SUBSCRIPTIONS)) {
    it(`subscription ${name} needs READER`, async () => {
      for (const role of ROLES) {
        const client = createClient({
          url: t.url.replace(/^http/, 'ws') + '/graphql',
          webSocketImpl: WebSocket,
          connectionParams: role === 'anonymous' ? {} : { authorization: `Bearer ${t.tokens[role]}` },
          retryAttempts: 0,
        });
        clients.push(client);
        const iterator = client.iterate({ query: document() });
        // An accepted subscription waits for events; a refused one answers at once.
        const outcome = await Promise.race([
          iterator.next().then((r) => ({ kind: 'result' as const, value: r.value as { errors?: Array<{ extensions?: { code?: string } }> } }), (error: unknown) => ({ kind: 'closed' as const, error })),
          new Promise<{ kind: 'waiting' }>((resolve) => setTimeout(() => resolve({ kind: 'waiting' }), 400)),
        ]);
        if (role === 'anonymous') expect(outcome.kind, `${name} as ${role}`).toBe('closed');
        else if (allowed(role, 'READER')) expect(outcome.kind, `${name} as ${role}`).toBe('waiting');
        else {
          expect(outcome.kind, `${name} as ${role}`).toBe('result');
          if (outcome.kind === 'result') expect(outcome.value.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        }
        await iterator.return?.();
        await client.dispose();
      }
    });
  }
});
