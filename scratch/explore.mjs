// Trains one candidate config with the real trainer and prints loss/trivial, probes, CKA, cosine.
import { train, embed } from '@stratum/trainer';
import { createDataset, batchOf } from '@stratum/datasets';
import { crossValidatedProbe, linearCKA } from '@stratum/analysis';
const cfg = JSON.parse(process.argv[2]);
const evalSpec = JSON.parse(process.argv[3]);
const t0 = performance.now();
let ckpt = null; const curve = [];
const s = await train({ backend: 'wasm', checkpointEvery: 0, ...cfg }, {
  onCheckpoint: (c) => { ckpt = c.bytes; },
  onStep: (i) => { if (i.step % 25 === 0 || i.step === i.totalSteps) curve.push(`${i.step}:${i.losses.map((l, j) => (l.value / i.trivial[j].value).toFixed(2)).join('/')}`); },
});
const trainS = (performance.now() - t0) / 1000;
const ds = await createDataset(evalSpec);
const n = Math.min(ds.size, evalSpec.count ?? evalSpec.maxClips ?? 256);
const batch = batchOf(ds, Array.from({ length: n }, (_, i) => i));
const emb = await embed(ckpt, { clips: batch.clips, shape: batch.shape }, { tokens: false, layers: true });
const feats = [...emb.layers];
const out = [];
const cos = (f) => { const [N, D] = f.pooledShape; let tot = 0, c = 0; const norms = []; for (let i = 0; i < N; i++) { let s2 = 0; for (let d = 0; d < D; d++) s2 += f.pooled[i * D + d] ** 2; norms.push(Math.sqrt(s2)); }
  for (let i = 0; i < N; i += 3) for (let j = i + 1; j < N; j += 3) { let s2 = 0; for (let d = 0; d < D; d++) s2 += f.pooled[i * D + d] * f.pooled[j * D + d]; tot += s2 / (norms[i] * norms[j] + 1e-12); c++; } return tot / c; };
const M = (f) => ({ rows: f.pooledShape[0], cols: f.pooledShape[1], data: f.pooled });
for (const f of feats) {
  const probes = Object.entries(batch.labels).map(([k, y]) => { try { return `${k}=${crossValidatedProbe(M(f), y, { folds: 3 }).mean.toFixed(2)}`; } catch (e) { return `${k}=err`; } });
  out.push(`L${f.layer} cos=${cos(f).toFixed(3)} ${probes.join(' ')}`);
}
const ckas = []; for (let i = 1; i < feats.length; i++) ckas.push(linearCKA(M(feats[i - 1]), M(feats[i])).toFixed(3));
const ratio = s.finalLosses.map((l, j) => (l.value / s.finalTrivial[j].value).toFixed(3));
console.log(`CFG ${process.argv[2]}\n  train ${trainS.toFixed(0)}s ${s.stepsPerS.toFixed(2)} st/s final=${s.finalLosses.map(l=>l.value.toFixed(3))} trivial=${s.finalTrivial.map(l=>l.value.toFixed(3))} ratio=${ratio}\n  curve ${curve.join(' ')}\n  layerCKA ${ckas.join(' ')}\n  ${out.join('\n  ')}\n  total ${((performance.now() - t0) / 1000).toFixed(0)}s`);
