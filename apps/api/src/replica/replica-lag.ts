// How far a streaming replica is behind: replayed-to LSN against received-to LSN, and the age of
// the last replayed commit. A replica that has replayed everything it received is 0 ms behind even
// when the primary has been idle for an hour (the commit-age formula alone would say an hour).
import type pg from 'pg';

export interface ReplicaLag {
  /** Milliseconds since the last replayed commit when replay is behind, else 0; null when unknown. */
  lagMs: number | null;
  /** WAL bytes received but not yet replayed. */
  behindBytes: number;
  /** False when the URL points at a primary (then it is never behind). */
  inRecovery: boolean;
}

const LAG_SQL = `
SELECT pg_is_in_recovery() AS "inRecovery",
       COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::float8 AS "behindBytes",
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
            ELSE GREATEST(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)
       END::float8 AS "lagMs"`;

export async function measureReplicaLag(replica: pg.Pool): Promise<ReplicaLag> {
  const { rows } = await replica.query<ReplicaLag>(LAG_SQL);
  const row = rows[0]!;
  return { lagMs: row.lagMs, behindBytes: Math.max(0, row.behindBytes), inRecovery: row.inRecovery };
}
