// Patch-level diagnostics per block: token cosine (over-smoothing), OccDrop, effective rank, the
// other geometry statistics, and the reconstruction error map over the (t, h, w) token grid.
import { ProfileChart } from '../charts/ProfileChart';
import { ReconMap } from '../svg/ReconMap';
import { Empty } from '../ui/States';
import { getPatchDiagnostics } from '@/lib/data/similarity';
import { byDataset, datasetFamily } from '@/lib/evaluations';
import { fmt } from '@/lib/format';

const METRICS = [
  ['tokenCosine', 'Token cosine', 'mean off-diagonal cosine'],
  ['occDrop', 'OccDrop', '(Acc_full − Acc_occluded) / Acc_full'],
  ['effectiveRank', 'Effective rank', 'of the token covariance'],
] as const;

/** Why a diagnostic can be absent for a whole evaluation set (said instead of an empty chart). */
const MISSING: Record<(typeof METRICS)[number][0], string> = {
  tokenCosine: 'No token cosine: the evaluation did not keep per-token features for this set.',
  occDrop: 'No OccDrop for this set: it is measured on the gratings sets only (unless evaluation.occlusion is set), where one aligned patch is kept in every frame and the probes are refitted.',
  effectiveRank: 'No effective rank: the evaluation did not keep per-token features for this set.',
};

type PatchRow = Awaited<ReturnType<typeof getPatchDiagnostics>>[number];

export async function RunPatchDiagnostics({ runId, step }: { runId: string; step: number | undefined }) {
  let rows = step === undefined ? [] : await getPatchDiagnostics(runId, step);
  if (rows.length === 0) rows = await getPatchDiagnostics(runId, null);
  if (rows.length === 0) return <Empty>No patch diagnostics reported for this run.</Empty>;
  const note = step !== undefined && rows[0]!.step !== step ? ` (none at step ${step}; showing the latest)` : '';
  // One section per evaluation set (e.g. the test split, single and double gratings).
  return (
    <div className="stack">
      {byDataset(rows).map(([dataset, group]) => {
        const family = datasetFamily(dataset);
        return (
          <section key={dataset} className="stack" data-testid="patch-dataset">
            <p className="muted small" style={{ margin: 0 }}>Step {group[0]!.step} · {dataset}{family ? ` (${family})` : ''}{note}</p>
            <DatasetPatches rows={[...group].sort((a, b) => a.block - b.block)} />
          </section>
        );
      })}
    </div>
  );
}

function DatasetPatches({ rows }: { rows: PatchRow[] }) {
  const blocks = rows.map((r) => `B${r.block}`);
  const maps = rows.filter((r) => r.reconstructionError.length > 0 && r.reconstructionGrid.length === 3);
  const extra = ['participationRatio', 'isotropy', 'uniformity', 'tokenNormMean', 'attentionDistance', 'attentionDistanceSpatial', 'attentionDistanceTemporal'] as const;
  const extraShown = extra.filter((k) => rows.some((r) => r[k] != null));
  return (
    <div className="stack">
      <div className="grid-3">
        {METRICS.map(([key, title, note]) => (
          <figure key={key} style={{ margin: 0 }}>
            <figcaption className="small"><strong>{title}</strong> <span className="muted">{note}</span></figcaption>
            {rows.every((r) => r[key] == null) ? <Empty>{MISSING[key]}</Empty> : (
              <ProfileChart categories={blocks} series={[{ name: title, values: rows.map((r) => (r[key] == null ? null : { y: r[key]! })) }]}
                label={`${title} per block`} xName="block" yName={title} height={220} testId={`patch-${key}`} />
            )}
          </figure>
        ))}
      </div>
      {extraShown.length ? (
        <div className="table-wrap">
          <table className="data">
            <thead><tr><th>Block</th>{extraShown.map((k) => <th key={k} className="r">{k.replace(/([A-Z])/g, ' $1').toLowerCase()}</th>)}</tr></thead>
            <tbody>{rows.map((r) => <tr key={r.block}><td>B{r.block}</td>{extraShown.map((k) => <td key={k} className="r num">{fmt(r[k])}</td>)}</tr>)}</tbody>
          </table>
        </div>
      ) : null}
      <div>
        <h3>Reconstruction error over (t, h, w)</h3>
        {maps.length === 0 ? <Empty>No reconstruction error map reported.</Empty> : maps.map((r) => (
          <div key={r.block} style={{ marginBottom: 10 }} data-testid="recon-map">
            <div className="small muted">block {r.block} · grid {r.reconstructionGrid.join(' × ')}</div>
            <ReconMap values={r.reconstructionError} grid={r.reconstructionGrid as [number, number, number]} label={`Reconstruction error of block ${r.block}`} />
          </div>
        ))}
      </div>
    </div>
  );
}
