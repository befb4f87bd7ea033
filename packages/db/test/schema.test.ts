// Proves the hand-written migrations produce exactly what schema.prisma describes: every model
// maps to a table and every scalar field to a column of the right type (and nothing more), the
// enums agree, and every model round-trips every field through the generated client.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Enums from '../src/generated/prisma/enums.js';
import { createPrismaClient, type PrismaClient } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

interface RuntimeField { name: string; kind: 'scalar' | 'enum' | 'object'; type: string; dbName?: string }
interface RuntimeModel { dbName: string; fields: RuntimeField[] }

let db: TestDatabase;
let prisma: PrismaClient;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase('schema');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  prisma = createPrismaClient(pool);
});
afterAll(async () => {
  await prisma.$disconnect();
  await pool.end();
  await db.drop();
});

function models(): Record<string, RuntimeModel> {
  const runtime = (prisma as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })._runtimeDataModel;
  return runtime.models;
}

const PG_TYPES: Record<string, string[]> = {
  String: ['text', 'uuid', '_text', '_uuid'],
  Int: ['int4', 'int2', '_int4'],
  Float: ['float8', '_float8'],
  BigInt: ['int8'],
  Boolean: ['bool'],
  DateTime: ['timestamptz'],
  Json: ['jsonb'],
};

describe('schema.prisma and the migrations agree', () => {
  it('maps every model and field to a table and column of a matching type, with no extras', async () => {
    const columns = (await pool.query<{ table_name: string; column_name: string; udt_name: string }>(
      `SELECT table_name, column_name, udt_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`)).rows;
    const byTable = new Map<string, Map<string, string>>();
    for (const c of columns) {
      if (!byTable.has(c.table_name)) byTable.set(c.table_name, new Map());
      byTable.get(c.table_name)!.set(c.column_name, c.udt_name);
    }
    const all = models();
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(14);
    expect([...byTable.keys()].sort()).toEqual(Object.values(all).map((m) => m.dbName).sort());
    for (const [name, model] of Object.entries(all)) {
      const table = byTable.get(model.dbName)!;
      const scalars = model.fields.filter((f) => f.kind !== 'object');
      expect([...table.keys()].sort(), `columns of ${name}`).toEqual(scalars.map((f) => f.dbName ?? f.name).sort());
      for (const field of scalars) {
        const udt = table.get(field.dbName ?? field.name)!;
        if (field.kind === 'enum') expect(udt, `${name}.${field.name}`).toBe(field.type);
        else expect(PG_TYPES[field.type], `${name}.${field.name} is ${udt}`).toContain(udt);
      }
    }
  });

  it('has the same enum values in the database as in the generated client', async () => {
    const rows = (await pool.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`)).rows;
    const fromDb = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const fromClient = Object.fromEntries(
      Object.entries(Enums).filter(([, v]) => typeof v === 'object').map(([k, v]) => [k, Object.values(v as object)]),
    );
    expect(fromDb).toEqual(fromClient);
  });

  it('round-trips every model and field through the generated client', async () => {
    const t = (s: string) => new Date(`2026-01-0${s}T10:00:00.123Z`);
    const project = await prisma.project.create({ data: { name: 'p', description: 'd', createdAt: t('1') } });
    const sweep = await prisma.sweep.create({ data: { projectId: project.id, name: 's', spec: { a: [1, 2] }, specHash: 'h', expansion: [{ seed: 1 }], createdAt: t('2') } });
    const agent = await prisma.agent.create({ data: { name: 'gpu-1', host: 'h', devices: [{ name: 'H200' }], backends: ['wasm', 'cpu'], labels: { zone: 'a' }, version: '1', status: 'DRAINING', lastHeartbeatAt: t('3'), createdAt: t('3') } });
    const runData = { projectId: project.id, sweepId: sweep.id, name: 'r', mode: 'BLOCKWISE_SEQUENTIAL' as const, modelSize: 'nano', blocks: 3, partitions: [3, 6], seed: 7, dataset: 'moving-mnist', config: { lr: 1e-3 }, status: 'RUNNING' as const, backend: 'wasm', agentId: agent.id, tags: ['x', 'y'], notes: 'n', error: 'e', divergence: { step: 3, block: 2, quantity: 'loss', value: 'NaN' }, claims: 4, createdAt: t('4'), startedAt: t('5'), finishedAt: t('6') };
    const run = await prisma.run.create({ data: runData });
    const other = await prisma.run.create({ data: { ...runData, name: 'r2', agentId: null } });
    const created = {
      job: await prisma.job.create({ data: { runId: run.id, otherRunId: other.id, kind: 'COMPARE', status: 'RUNNING', priority: 5, attempts: 2, maxAttempts: 4, notBefore: t('1'), requirements: { backends: ['wasm'] }, leaseOwner: agent.id, leaseExpiresAt: t('2'), fencingToken: 9_007_199_254_740_993n, runAttempt: 4, resumeStep: 8, cancelRequested: true, progress: { step: 3 }, lastError: 'boom' } }),
      key: await prisma.metricKey.create({ data: { name: 'loss' } }),
    };
    const point = await prisma.metricPoint.create({ data: { runId: run.id, keyId: created.key.id, block: 2, step: 10, value: 0.125, wallTime: t('7'), attempt: 4 } });
    const rollup = await prisma.metricRollup.create({ data: { runId: run.id, keyId: created.key.id, block: 2, level: 4, bucket: 0, count: 1, min: 0.125, max: 0.125, lastStep: 10, lastValue: 0.125 } });
    const evaluation = await prisma.evaluation.create({ data: { runId: run.id, step: 10, kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'moving-mnist', split: 'test', depthUnit: 'LAYER', depth: 4, partition: 6, value: 0.5, std: 0.01, ciLow: 0.48, ciHigh: 0.52, folds: [0.49, 0.5, 0.51], n: 3 } });
    const similarity = await prisma.similarityMatrix.create({ data: { runId: run.id, otherRunId: other.id, kind: 'RBF_CKA', step: 10, dataset: 'd', partition: 3, rowLabels: ['b1', 'b2'], colLabels: ['b1', 'b2'], values: [1, 0.5, 0.5, 1] } });
    const diag = await prisma.patchDiagnostic.create({ data: { runId: run.id, step: 10, dataset: 'd', block: 1, partition: 6, tokenCosine: 0.2, occDrop: 0.1, effectiveRank: 5.5, participationRatio: 3.3, isotropy: 0.4, uniformity: -2, tokenNormMean: 1, tokenNormStd: 0.1, tokenNormMax: 2, attentionDistance: 10, attentionDistanceSpatial: 8, attentionDistanceTemporal: 2, reconstructionError: [0.1, 0.2], reconstructionGrid: [1, 1, 2] } });
    const upload = await prisma.artifactUpload.create({ data: { sha256: 'ab'.repeat(32), projectId: project.id, runId: run.id, bytes: 5_000_000_000n, uploadedAt: t('8') } });
    const checkpoint = await prisma.checkpoint.create({ data: { runId: run.id, step: 10, uri: 'file:///x', sha256: 'ab'.repeat(32), bytes: 5_000_000_000n } });
    const token = await prisma.apiToken.create({ data: { label: 'l', role: 'AGENT', hash: 'hash', prefix: 'stm_ab', agentId: agent.id, lastUsedAt: t('8'), revokedAt: t('9') } });
    const baseline = await prisma.baseline.create({ data: { projectId: project.id, name: 'b', sweepId: sweep.id, runIds: [run.id, other.id] } });
    const check = await prisma.regressionCheck.create({ data: { baselineId: baseline.id, candidate: { runIds: [other.id] }, rules: [{ metric: 'probe' }], verdicts: [{ verdict: 'PASS' }], passed: true } });

    const reads: Array<[unknown, unknown]> = [
      [project, await prisma.project.findUnique({ where: { id: project.id } })],
      [sweep, await prisma.sweep.findUnique({ where: { id: sweep.id } })],
      [agent, await prisma.agent.findUnique({ where: { id: agent.id } })],
      [run, await prisma.run.findUnique({ where: { id: run.id } })],
      [created.job, await prisma.job.findUnique({ where: { id: created.job.id } })],
      [created.key, await prisma.metricKey.findUnique({ where: { id: created.key.id } })],
      [point, await prisma.metricPoint.findUnique({ where: { runId_keyId_block_step: { runId: run.id, keyId: created.key.id, block: 2, step: 10 } } })],
      [rollup, await prisma.metricRollup.findUnique({ where: { runId_keyId_block_level_bucket: { runId: run.id, keyId: created.key.id, block: 2, level: 4, bucket: 0 } } })],
      [evaluation, await prisma.evaluation.findUnique({ where: { id: evaluation.id } })],
      [similarity, await prisma.similarityMatrix.findUnique({ where: { id: similarity.id } })],
      [diag, await prisma.patchDiagnostic.findUnique({ where: { id: diag.id } })],
      [checkpoint, await prisma.checkpoint.findUnique({ where: { id: checkpoint.id } })],
      [upload, await prisma.artifactUpload.findUnique({ where: { sha256_projectId: { sha256: upload.sha256, projectId: project.id } } })],
      [token, await prisma.apiToken.findUnique({ where: { id: token.id } })],
      [baseline, await prisma.baseline.findUnique({ where: { id: baseline.id } })],
      [check, await prisma.regressionCheck.findUnique({ where: { id: check.id } })],
    ];
    expect(reads).toHaveLength(Object.keys(models()).length);
    for (const [written, read] of reads) expect(read).toEqual(written);
    // Every field we wrote explicitly came back with the value we gave it (not a default).
    expect(run).toMatchObject(runData);
    expect(created.job.fencingToken).toBe(9_007_199_254_740_993n);
    expect(checkpoint.bytes).toBe(5_000_000_000n);
  });

  it('enforces the metric point identity (run, key, block, step)', async () => {
    const project = await prisma.project.create({ data: { name: 'uniq' } });
    const run = await prisma.run.create({ data: { projectId: project.id, name: 'r', mode: 'E2E', modelSize: 'nano', blocks: 1, seed: 0, dataset: 'd', config: {} } });
    const key = await prisma.metricKey.create({ data: { name: 'uniq-loss' } });
    await prisma.metricPoint.create({ data: { runId: run.id, keyId: key.id, step: 1, value: 1 } });
    await expect(prisma.metricPoint.create({ data: { runId: run.id, keyId: key.id, step: 1, value: 2 } })).rejects.toThrow();
    await prisma.metricPoint.create({ data: { runId: run.id, keyId: key.id, block: 1, step: 1, value: 3 } });
    expect(await prisma.metricPoint.count({ where: { runId: run.id } })).toBe(2);
  });
});
