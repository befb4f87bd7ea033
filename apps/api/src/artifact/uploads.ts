// Uploads bound to a held job, and the per-project quota (issue 18 item 6).
// Before any byte is read, the uploader's fence (job id + fencing token, as for every agent
// write) is checked and the upload is reserved against the job's project under a per-project
// advisory lock, so concurrent uploads cannot overrun the quota together. The reservation is an
// artifact_uploads row; it is corrected to the stored size after the upload, or removed when the
// upload failed. A per-blob advisory lock orders reservations against the collector
// (collect.ts), so a blob it is deleting is never reported as already stored.
import type pg from 'pg';
import type { AppServices } from '../context.js';
import { FENCE, fenceParams, type Fence } from '../job/fence.js';
import { ArtifactError } from './artifact-error.js';
import type { Row } from '../common/columns.js';

export interface Reservation {
  projectId: string;
  /** Most bytes this upload may store: the size limit, or what is left of the quota. */
  limit: number;
  /** True when the limit is the quota's rest, not ARTIFACT_MAX_BYTES. */
  byQuota: boolean;
  /** The store already holds the blob. */
  exists: boolean;
}

/** Locks taken inside transactions: the collector and uploaders of one blob exclude each other. */
export const blobLock = (client: pg.ClientBase, sha256: string) => client.query("SELECT pg_advisory_xact_lock(hashtext('stratum-artifact:' || $1))", [sha256]);

function quotaMessage(projectId: string, used: number, quota: number, need: number): string {
  return `project ${projectId} has ${used} of its ${quota} artifact bytes in use; this artifact needs ${need} more `
    + '(raise ARTIFACT_PROJECT_QUOTA_BYTES, or delete runs: unreferenced artifacts are collected after ARTIFACT_GC_GRACE_SECONDS)';
}

/**
 * Checks the fence and the quota and records the upload. Returns null when the fence does not
 * hold (the caller explains why); throws ArtifactError 413 / 507 when the artifact cannot fit.
 */
export async function reserveUpload(app: AppServices, fence: Fence, sha256: string, declared: number | null): Promise<Reservation | null> {
  const max = app.config.ARTIFACT_MAX_BYTES;
  const quota = app.config.ARTIFACT_PROJECT_QUOTA_BYTES;
  if (declared !== null && declared > max) throw new ArtifactError(`artifact is ${declared} bytes; the limit is ${max} (ARTIFACT_MAX_BYTES)`, 413);
  const client = await app.pool.connect();
  try {
    await client.query('BEGIN');
    const job = (await client.query<Pick<Row<'runs'>, 'project_id'> & Pick<Row<'jobs'>, 'run_id'>>({
      text: `SELECT r.project_id, j.run_id FROM jobs j JOIN runs r ON r.id = j.run_id WHERE ${FENCE} FOR SHARE OF j`,
      values: fenceParams(fence),
    })).rows[0];
    if (!job) {
      await client.query('ROLLBACK');
      return null;
    }
    await client.query("SELECT pg_advisory_xact_lock(hashtext('stratum-quota:' || $1))", [job.project_id]);
    await blobLock(client, sha256);
    const used = Number((await client.query<{ used: string }>(
      'SELECT coalesce(sum(bytes), 0)::text AS used FROM artifact_uploads WHERE project_id = $1 AND sha256 <> $2', [job.project_id, sha256])).rows[0]!.used);
    const existing = await app.artifacts.has(sha256);
    const need = existing?.bytes ?? declared ?? Math.min(max, Math.max(0, quota - used));
    if (used + need > quota || used >= quota) throw new ArtifactError(quotaMessage(job.project_id, used, quota, need), 507);
    await client.query(
      `INSERT INTO artifact_uploads (sha256, project_id, run_id, bytes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256, project_id) DO UPDATE SET run_id = EXCLUDED.run_id, bytes = EXCLUDED.bytes, uploaded_at = now()`,
      [sha256, job.project_id, job.run_id, need],
    );
    await client.query('COMMIT');
    const rest = quota - used;
    return { projectId: job.project_id, limit: Math.min(max, rest), byQuota: rest < max, exists: existing !== null };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** After the upload: the reservation becomes the stored size, or goes when nothing was stored. */
export async function settleUpload(app: AppServices, reservation: Reservation, sha256: string, storedBytes: number | null): Promise<void> {
  if (storedBytes !== null) {
    await app.pool.query('UPDATE artifact_uploads SET bytes = $3 WHERE sha256 = $1 AND project_id = $2', [sha256, reservation.projectId, storedBytes]);
  } else if (!(await app.artifacts.has(sha256))) {
    await app.pool.query('DELETE FROM artifact_uploads WHERE sha256 = $1 AND project_id = $2', [sha256, reservation.projectId]);
  }
}

/** The store refused the body as too large: past the quota's rest that is a 507, not a 413. */
export function quotaError(app: AppServices, reservation: Reservation, sha256: string): ArtifactError {
  return new ArtifactError(
    `artifact ${sha256} is larger than the ${reservation.limit} bytes left of project ${reservation.projectId}'s artifact quota (${app.config.ARTIFACT_PROJECT_QUOTA_BYTES}, ARTIFACT_PROJECT_QUOTA_BYTES)`,
    507,
  );
}
