// Block × block similarity of one run (linear CKA by default) at the selected checkpoint, or
// the latest one when none was computed there.
import Link from 'next/link';
import { HeatmapChart } from '../charts/HeatmapChart';
import { Empty } from '../ui/States';
import { getSimilarity, SIMILARITY_KINDS, type SimilarityKindName } from '@/lib/data/similarity';
import { consecutive } from '@/lib/matrix';
import { fmt } from '@/lib/format';
import { oneOf, withParams, type SearchParams } from '@/lib/params';

const KIND_LABEL: Record<SimilarityKindName, string> = { LINEAR_CKA: 'linear CKA', DEBIASED_CKA: 'debiased CKA', RBF_CKA: 'RBF CKA' };

export async function RunSimilarity({ runId, step, query }: { runId: string; step: number | undefined; query: SearchParams }) {
  const kind = oneOf(query, 'sim', SIMILARITY_KINDS, 'LINEAR_CKA');
  let matrix = step === undefined ? null : await getSimilarity(runId, kind, step);
  const atStep = matrix !== null;
  matrix ??= await getSimilarity(runId, kind, null);
  const kinds = (
    <nav className="seg" aria-label="Similarity measure" style={{ marginBottom: 8 }}>
      {SIMILARITY_KINDS.map((k) => <Link key={k} href={`/runs/${runId}${withParams(query, { sim: k })}`} scroll={false} aria-current={k === kind ? 'true' : undefined}>{KIND_LABEL[k]}</Link>)}
    </nav>
  );
  if (!matrix) return <>{kinds}<Empty>No {KIND_LABEL[kind]} matrix reported for this run.</Empty></>;
  const pairs = consecutive(matrix);
  return (
    <div>
      {kinds}
      <HeatmapChart rowLabels={matrix.rowLabels} colLabels={matrix.colLabels} values={matrix.values} label={`${KIND_LABEL[kind]} between blocks at step ${matrix.step}`}
        rowName="block" colName="block" valueName={KIND_LABEL[kind]} testId="run-cka" />
      <p className="chart-note">
        Step {matrix.step}{!atStep && step !== undefined ? ` (none at step ${step}; showing the latest)` : ''} · {matrix.dataset}. Consecutive blocks:{' '}
        <span data-testid="run-cka-consecutive">{pairs.map((p) => `${p.label} ${fmt(p.value)}`).join(' · ')}</span>
      </p>
    </div>
  );
}
