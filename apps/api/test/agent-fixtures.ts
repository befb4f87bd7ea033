// Shared set-up for the agent-protocol tests: runs and jobs inserted with SQL (no sweep
// machinery needed), agents registered through the API with their own bound tokens, and the
// GraphQL documents the agent daemon sends.
import crypto from 'node:crypto';
import { startTestApi, type TestApi, type GraphQLResponse } from './harness.js';

export interface SeededJob {
  runId: string;
  jobId: string;
}

export interface SeedOptions {
  count?: number;
  priority?: number;
  maxAttempts?: number;
  requirements?: Record<string, unknown>;
  kind?: 'TRAIN' | 'COMPARE';
  otherRunId?: string | null;
  config?: Record<string, unknown>;
  /** Offsets jobs' not_before (and created_at) by i seconds into the past, so claim order is known. */
  staggerSeconds?: number;
}

let projectCounter = 0;

/** Inserts a project, `count` runs and one job per run; returns them in insertion order. */
export async function seedJobs(t: TestApi, options: SeedOptions = {}): Promise<SeededJob[]> {
  const count = options.count ?? 1;
  const pool = t.api.services.pool;
  const project = await pool.query<{ id: string }>('INSERT INTO projects (name) VALUES ($1) RETURNING id', [`p-${process.pid}-${++projectCounter}-${crypto.randomBytes(3).toString('hex')}`]);
  const projectId = project.rows[0]!.id;
  const runs = await pool.query<{ id: string; i: number }>(
    `INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config)
     SELECT $1, 'run-' || i, 'E2E', 'tiny', 2, i, 'moving-mnist', jsonb_build_object('seed', i) || $3::jsonb
     FROM generate_series(0, $2 - 1) AS i
     RETURNING id, seed AS i`,
    [projectId, count, JSON.stringify(options.config ?? { steps: 100 })],
  );
  const ordered = [...runs.rows].sort((a, b) => a.i - b.i);
  const stagger = options.staggerSeconds ?? 0;
  const jobs = await pool.query<{ id: string; run_id: string }>(
    `INSERT INTO jobs (run_id, other_run_id, kind, priority, max_attempts, requirements, not_before, created_at)
     SELECT r.id, $2::uuid, $3::"JobKind", $4, $5, $6::jsonb, now() - make_interval(secs => ($8::int - r.ord) * $7::float8),
            now() - make_interval(secs => ($8::int - r.ord) * $7::float8)
     FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, ord)
     RETURNING id, run_id`,
    [ordered.map((r) => r.id), options.otherRunId ?? null, options.kind ?? 'TRAIN', options.priority ?? 0, options.maxAttempts ?? 3,
      JSON.stringify(options.requirements ?? {}), stagger, count],
  );
  const byRun = new Map(jobs.rows.map((j) => [j.run_id, j.id]));
  return ordered.map((r) => ({ runId: r.id, jobId: byRun.get(r.id)! }));
}

export interface TestAgent {
  agentId: string;
  token: string;
  name: string;
}

let agentCounter = 0;

/** What an agent-protocol test file starts from: an API whose reaper stays off (a held job stays
 * held for the whole file) and one agent registered with it. */
export async function startAgentApi(): Promise<{ t: TestApi; agent: TestAgent }> {
  const t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' });
  return { t, agent: await registerTestAgent(t) };
}

/** A fresh AGENT token, bound to a new agent by registering through the API. */
export async function registerTestAgent(t: TestApi, overrides: Record<string, unknown> = {}): Promise<TestAgent> {
  const { token } = await t.api.services.tokens.create('AGENT', `agent token ${++agentCounter}`);
  const name = (overrides.name as string | undefined) ?? `agent-${agentCounter}-${crypto.randomBytes(3).toString('hex')}`;
  const data = await t.ok<{ registerAgent: { id: string } }>(REGISTER, { host: 'gpu-host', backends: ['cpu'], devices: [{ kind: 'cpu' }], labels: {}, ...overrides, name }, { token });
  return { agentId: data.registerAgent.id, token, name };
}

export const REGISTER = `mutation($name: String!, $host: String!, $devices: JSON, $backends: [String!], $labels: JSON, $version: String) {
  registerAgent(name: $name, host: $host, devices: $devices, backends: $backends, labels: $labels, version: $version) {
    id name host devices backends labels version status lastHeartbeatAt
  }
}`;

export const CLAIM = `mutation($agentId: ID!, $caps: CapabilitiesInput) {
  claimJob(agentId: $agentId, capabilities: $caps) {
    jobId runId runName sweepId projectId kind otherRunId fencingToken leaseExpiresAt attempt maxAttempts priority
    config requirements backend previousProgress latestCheckpoint { step sha256 uri bytes }
  }
}`;

export const HEARTBEAT = `mutation($jobId: ID!, $token: String!, $progress: JSON, $backend: String) {
  heartbeat(jobId: $jobId, fencingToken: $token, progress: $progress, backend: $backend) { leaseExpiresAt cancelRequested }
}`;

const TRANSITION_FIELDS = 'jobId runId status runStatus attempts maxAttempts notBefore lastError';

export const COMPLETE = `mutation($jobId: ID!, $token: String!, $summary: JSON) {
  completeJob(jobId: $jobId, fencingToken: $token, summary: $summary) { ${TRANSITION_FIELDS} }
}`;

export const FAIL = `mutation($jobId: ID!, $token: String!, $error: String!, $retryable: Boolean!) {
  failJob(jobId: $jobId, fencingToken: $token, error: $error, retryable: $retryable) { ${TRANSITION_FIELDS} }
}`;

export const RELEASE = `mutation($jobId: ID!, $token: String!) {
  releaseJob(jobId: $jobId, fencingToken: $token) { ${TRANSITION_FIELDS} }
}`;

export const LOG_COLUMNS = `mutation($jobId: ID!, $token: String!, $batchId: String!, $columns: MetricColumnsInput) {
  logMetrics(jobId: $jobId, fencingToken: $token, batchId: $batchId, columns: $columns) { batchId accepted duplicates }
}`;

export const LOG_POINTS = `mutation($jobId: ID!, $token: String!, $batchId: String!, $points: [MetricPointInput!]) {
  logMetrics(jobId: $jobId, fencingToken: $token, batchId: $batchId, points: $points) { batchId accepted duplicates }
}`;

export const REPORT_EVALUATION = `mutation($jobId: ID!, $token: String!, $evaluations: [EvaluationInput!]!) {
  reportEvaluation(jobId: $jobId, fencingToken: $token, evaluations: $evaluations) { runId stored replaced }
}`;

export const REPORT_SIMILARITY = `mutation($jobId: ID!, $token: String!, $matrix: SimilarityInput!) {
  reportSimilarity(jobId: $jobId, fencingToken: $token, matrix: $matrix) { runId stored replaced }
}`;

export const REPORT_PATCH = `mutation($jobId: ID!, $token: String!, $diagnostics: [PatchDiagnosticInput!]!) {
  reportPatchDiagnostics(jobId: $jobId, fencingToken: $token, diagnostics: $diagnostics) { runId stored replaced }
}`;

export const REGISTER_CHECKPOINT = `mutation($jobId: ID!, $token: String!, $step: Int!, $sha256: String!, $bytes: Float!, $uri: String) {
  registerCheckpoint(jobId: $jobId, fencingToken: $token, step: $step, sha256: $sha256, bytes: $bytes, uri: $uri) { step sha256 uri bytes }
}`;

export interface Claimed {
  jobId: string;
  runId: string;
  runName: string;
  kind: string;
  otherRunId: string | null;
  fencingToken: string;
  leaseExpiresAt: string;
  attempt: number;
  maxAttempts: number;
  config: Record<string, unknown>;
  backend: string | null;
  previousProgress: unknown;
  latestCheckpoint: { step: number; sha256: string; uri: string; bytes: number } | null;
}

export async function claim(t: TestApi, agent: TestAgent, caps?: Record<string, unknown>): Promise<Claimed | null> {
  const data = await t.ok<{ claimJob: Claimed | null }>(CLAIM, { agentId: agent.agentId, ...(caps ? { caps } : {}) }, { token: agent.token });
  return data.claimJob;
}

/** A job `agent` now holds, on a queue of its own: queued jobs cancelled, fresh ones seeded, one claimed. */
export async function holdFreshJob(t: TestApi, agent: TestAgent): Promise<Claimed> {
  await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`);
  await seedJobs(t);
  return (await claim(t, agent))!;
}

export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

/** Uploads `bytes` under a job the token's agent holds (the API refuses uploads outside a held job). */
export async function uploadArtifact(
  t: TestApi, token: string, bytes: Buffer, job: { jobId: string; fencingToken: string },
): Promise<{ sha256: string; status: number; body: Record<string, unknown> }> {
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const response = await t.http.put(`/artifacts/${sha256}`)
    .set({ authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-stratum-job': job.jobId, 'x-stratum-fencing-token': job.fencingToken })
    .send(bytes);
  return { sha256, status: response.status, body: response.body as Record<string, unknown> };
}

export async function jobRow(t: TestApi, jobId: string) {
  const { rows } = await t.api.services.pool.query<{
    status: string; attempts: number; max_attempts: number; fencing_token: string; lease_owner: string | null;
    lease_expires_at: Date | null; not_before: Date; last_error: string | null; progress: unknown; cancel_requested: boolean;
    backoff_s: number; run_status: string; run_error: string | null; run_agent: string | null; run_backend: string | null;
    started_at: Date | null; finished_at: Date | null;
  }>(
    `SELECT j.status::text, j.attempts, j.max_attempts, j.fencing_token::text, j.lease_owner, j.lease_expires_at, j.not_before,
            j.last_error, j.progress, j.cancel_requested, extract(epoch FROM j.not_before - j.updated_at)::float8 AS backoff_s,
            r.status::text AS run_status, r.error AS run_error, r.agent_id AS run_agent, r.backend AS run_backend, r.started_at, r.finished_at
     FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.id = $1`,
    [jobId],
  );
  return rows[0]!;
}

export async function expireLease(t: TestApi, jobId: string): Promise<void> {
  await t.api.services.pool.query(`UPDATE jobs SET lease_expires_at = now() - interval '5 minutes' WHERE id = $1`, [jobId]);
}
