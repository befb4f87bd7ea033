// Collection of unreferenced artifacts (issue 18 item 6): a blob no checkpoint references, all of
// whose uploads are older than ARTIFACT_GC_GRACE_SECONDS (time for its uploader to register it),
// is deleted from the store with its upload rows. Each blob is decided and deleted inside one
// transaction holding its advisory lock, which a new upload of the same blob also takes
// (uploads.ts), so an upload never counts on a blob being deleted. Every replica runs it; the
// row locks (SKIP LOCKED) split the work.
import type { AppServices } from '../context.js';
import { startPeriodicTask } from '../common/periodic.js';
import { withTransaction } from '../common/sql.js';
import { blobLock } from './uploads.js';
import type { Row } from '../common/columns.js';

export interface CollectionPass {
  /** Blobs deleted from the store. */
  removed: string[];
  /** Upload rows of unreferenced blobs that were no longer in the store (failed uploads). */
  forgotten: number;
}

export async function collectUnreferencedArtifacts(app: AppServices, limit = 200): Promise<CollectionPass> {
  const grace = app.config.ARTIFACT_GC_GRACE_SECONDS;
  const { rows } = await app.pool.query<Pick<Row<'artifact_uploads'>, 'sha256'>>(
    `SELECT u.sha256 FROM artifact_uploads u
     GROUP BY u.sha256
     HAVING max(u.uploaded_at) < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.sha256 = u.sha256)
     LIMIT $2`,
    [grace, limit],
  );
  const pass: CollectionPass = { removed: [], forgotten: 0 };
  for (const { sha256 } of rows) {
    // One attempt: the store removal inside cannot be replayed by a retried transaction.
    await withTransaction(app.pool, async (client) => {
      await blobLock(client, sha256);
      // Re-checked under the lock: a new upload or a checkpoint since the scan keeps the blob.
      const deleted = await client.query(
        `DELETE FROM artifact_uploads u WHERE u.sha256 = $1
           AND NOT EXISTS (SELECT 1 FROM artifact_uploads n WHERE n.sha256 = $1 AND n.uploaded_at >= now() - make_interval(secs => $2))
           AND NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.sha256 = $1)`,
        [sha256, grace],
      );
      if (deleted.rowCount) {
        if (await app.artifacts.remove(sha256)) pass.removed.push(sha256);
        else pass.forgotten += deleted.rowCount;
      }
    }, 1);
  }
  for (const sha256 of pass.removed) app.log.info({ sha256 }, 'collected an unreferenced artifact');
  return pass;
}

/** The background task registered in modules.ts: a pass every ARTIFACT_GC_INTERVAL_MS, never overlapping itself. */
export function startArtifactCollector(app: AppServices): { stop(): Promise<void> } {
  return startPeriodicTask(app, 'artifact collection', app.config.ARTIFACT_GC_INTERVAL_MS, () => collectUnreferencedArtifacts(app));
}
