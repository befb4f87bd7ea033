// Rows a reliability test needs, inserted with SQL (no sweep machinery): a project, runs with a
// config and one queued TRAIN job each.
import crypto from 'node:crypto';
import type pg from 'pg';

export interface SeededRun {
  runId: string;
  jobId: string;
}

/** A real trainer config small enough that an agent trains it in seconds on wasm. */
export function tinyTrainConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    preset: 'nano',
    model: { depth: 2, embedDim: 32, heads: 1, decoderDim: 32, decoderHeads: 1, decoderDepth: 1 },
    regime: 'e2e',
    steps: 60,
    batchSize: 4,
    checkpointEvery: 20,
    logEvery: 1,
    dataset: { name: 'moving-mnist', count: 64, frames: 16, size: 32 },
    evaluation: { clips: 96 },
    ...overrides,
  };
}

/** Inserts `count` runs of one new project, each with a queued job. */
export async function seedRuns(
  db: pg.Pool | pg.Client,
  count: number,
  options: { config?: Record<string, unknown>; maxAttempts?: number; requirements?: Record<string, unknown>; prefix?: string } = {},
): Promise<SeededRun[]> {
  const name = `${options.prefix ?? 'reliability'}-${crypto.randomBytes(4).toString('hex')}`;
  const project = await db.query<{ id: string }>('INSERT INTO projects (name) VALUES ($1) RETURNING id', [name]);
  const { rows } = await db.query<{ run_id: string; job_id: string }>(
    `WITH r AS (
       INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config)
       SELECT $1, $2 || '-' || i, 'E2E', 'nano', 1, i, 'moving-mnist', $3::jsonb FROM generate_series(1, $4::int) AS i
       RETURNING id, seed)
     INSERT INTO jobs (run_id, max_attempts, requirements)
     SELECT id, $5, $6::jsonb FROM r ORDER BY seed
     RETURNING run_id, id AS job_id`,
    [project.rows[0]!.id, name, JSON.stringify(options.config ?? tinyTrainConfig()), count, options.maxAttempts ?? 3, JSON.stringify(options.requirements ?? {})],
  );
  return rows.map((r) => ({ runId: r.run_id, jobId: r.job_id }));
}
