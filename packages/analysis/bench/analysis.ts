/**
 * Analysis benchmark (npm run bench:analysis at the root, or npm run bench -w @stratum/analysis).
 *
 *   1. a 12×12 linear-CKA matrix on 12 representations of 1,100 × 384 (synthetic, structured);
 *   2. 12 cross-validated probes (1,100 × 384, 10 classes, 3 folds), warm-started across depths
 *      as the evaluation suite runs them, and the same 12 probes cold;
 *   3. a `nano` run trained with @stratum/trainer (default config), then the whole evaluation
 *      suite on its final checkpoint, against its own floor: one unmasked forward pass over the
 *      evaluation clips with every block's and layer's features taken in that pass (measured
 *      before and after the suite, averaged; target suite ÷ floor ≤ 1.5 at 1,000 clips). The
 *      suite is one such pass (also keeping the tokens of the patch-diagnostic clips), the masked
 *      pass for per-position reconstruction error on those clips, and the analysis of the
 *      extracted features as the agent runs it (`evaluateRepresentationsInParallel`: probes on a
 *      worker thread beside the rest; the CPU ratio is printed beside the wall ratio), the ratio
 *      to the training run printed for reference.
 *
 * Options: --steps <n> (nano training steps, default: the preset's), --eval-clips <n> (default
 * 1000), --patch-clips <n> (clips with token-level diagnostics, default 128), --skip-nano. Last line:
 * RESULT analysis cka_matrix_ms=… probes_ms=… suite_to_forward_ratio=… suite_to_train_ratio=…
 */
import { ckaMatrices, ckaMatrix, crossValidatedProbe, evaluateRepresentationsInParallel, type DepthInput, type LogisticModel } from '../src/index.js';
import { cpus, loadavg } from 'node:os';
import { syntheticDepths } from './synthetic.js';

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Wall time of `work` in ms; its CPU time (user + system) is appended to `cpuNotes`. */
function time<T>(work: () => T): [T, number] {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000;
  return [result, performance.now() - start];
}
let lastCpuMs = 0;
const cpuNote = (): string => `(CPU ${lastCpuMs.toFixed(0)} ms)`;

// 1–2: synthetic features with the structure of a ViT's pooled block outputs.
const { features, labels } = syntheticDepths({ samples: 1100, dims: 384, classes: 10, depths: 12, seed: 1 });
out(`synthetic features: 12 depths × 1,100 samples × 384 dims, 10 classes; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);

const [linear, ckaMs] = time(() => ckaMatrix(features, 'linear'));
out(`linear CKA 12×12 matrix: ${ckaMs.toFixed(0)} ms ${cpuNote()} (consecutive CKA ${linear[0]?.[1]?.toFixed(4)} … ${linear[10]?.[11]?.toFixed(4)})`);
const [, allKindsMs] = time(() => ckaMatrices(features));
out(`linear + debiased + RBF CKA matrices (shared Grams): ${allKindsMs.toFixed(0)} ms ${cpuNote()}`);

function probes(warm: boolean): { ms: number; cpuMs: number; iterations: number; worstGradient: number; accuracies: number[] } {
  let previous: LogisticModel[] | undefined;
  let iterations = 0;
  let worstGradient = 0;
  const accuracies: number[] = [];
  const [, ms] = time(() => {
    for (const x of features) {
      const r = crossValidatedProbe(x, labels, { folds: 3, seed: 0, ...(warm && previous ? { initial: previous } : {}) });
      previous = r.models;
      accuracies.push(r.mean);
      for (const f of r.foldResults) {
        iterations += f.iterations;
        worstGradient = Math.max(worstGradient, f.gradientNorm);
        if (!f.converged) throw new Error('a probe did not converge');
      }
    }
  });
  return { ms, cpuMs: lastCpuMs, iterations, worstGradient, accuracies };
}
const warm = probes(true);
out(
  `12 probes × 3 folds, warm-started across depths: ${warm.ms.toFixed(0)} ms (CPU ${warm.cpuMs.toFixed(0)} ms), ${warm.iterations} L-BFGS iterations, ` +
    `max ‖∇F‖∞ ${warm.worstGradient.toExponential(1)}; accuracy ${warm.accuracies[0]?.toFixed(3)} → ${warm.accuracies[11]?.toFixed(3)}`,
);
const cold = probes(false);
out(`12 probes × 3 folds, no warm start across depths: ${cold.ms.toFixed(0)} ms (CPU ${cold.cpuMs.toFixed(0)} ms), ${cold.iterations} iterations`);

// 3: a nano run and its evaluation suite.
let ratio = 'pending';
let forward = 'pending';
if (!process.argv.includes('--skip-nano')) {
  const { train, embed, reconstructionError } = await import('@stratum/trainer');
  const { resolveRunConfig } = await import('@stratum/run-config');
  const { movingMnist, batchOf } = await import('@stratum/datasets');
  const steps = flag('steps');
  const config = resolveRunConfig({ preset: 'nano', ...(steps ? { steps: Number(steps) } : {}) });
  let checkpoint: Uint8Array | undefined;
  const trainCpu = process.cpuUsage();
  const summary = await train(config, { onCheckpoint: (c) => void (checkpoint = c.bytes) });
  const trainCpuUsed = process.cpuUsage(trainCpu);
  if (!checkpoint) throw new Error('the nano run produced no checkpoint');
  const trainS = summary.wallTimeS;
  out(
    `nano ${config.regime} run: ${summary.steps} steps × batch ${config.batchSize} on ${summary.backend.name} in ${trainS.toFixed(1)} s ` +
      `(${summary.stepsPerS.toFixed(2)} steps/s)`,
  );

  const clips = Number(flag('eval-clips') ?? 1000);
  const patchClips = Math.min(clips, Number(flag('patch-clips') ?? 128));
  const evalSet = movingMnist({ seed: 1, count: clips, split: 'test', frames: config.model.frames, size: config.model.height });
  const batch = batchOf(evalSet, Array.from({ length: clips }, (_, i) => i));
  const patchBatch = batchOf(evalSet, Array.from({ length: patchClips }, (_, i) => i));
  const measure = async <T>(work: () => Promise<T>): Promise<{ result: T; wallS: number; cpuS: number }> => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = await work();
    const used = process.cpuUsage(cpu);
    return { result, wallS: (performance.now() - start) / 1000, cpuS: (used.user + used.system) / 1e6 };
  };
  // The floor: one unmasked forward pass over the evaluation clips with every block's (and
  // layer's) pooled features taken in that pass: the least any evaluation of these clips costs.
  // Measured before and after the suite (after a warm-up pass, so kernel set-up is in neither)
  // and averaged, so that a change of machine load during the run weighs on both sides.
  const forwardPass = () => embed(checkpoint!, batch, { layers: true, tokens: false });
  await embed(checkpoint, batchOf(evalSet, Array.from({ length: Math.min(clips, 32) }, (_, i) => i)), { layers: true, tokens: false });
  const floorBefore = await measure(forwardPass);

  // The suite: ONE forward pass gives every clip's pooled features at every block and layer and
  // the token features of the first `patchClips` clips (patch diagnostics); a masked pass over
  // those clips gives each decoder's reconstruction error per position; then the analysis of
  // those features (probes, retrieval, geometry, CKA, patches) without touching the model again.
  const suite = await measure(async () => {
    const embedded = await measure(() => embed(checkpoint!, batch, { layers: true, tokens: true, tokenClips: patchClips }));
    const recon = await measure(() => reconstructionError(checkpoint!, patchBatch, { seed: 0 }));
    const embeddings = embedded.result;
    const [gt, gh, gw] = embeddings.grid;
    const [tt, th, tw] = config.model.tubelet;
    const depths: DepthInput[] = [...embeddings.blocks, ...(embeddings.layers ?? [])].map((f) => {
      const decoder = recon.result.find((r) => (r.block ?? config.blocks) === f.block && f.layer === null);
      return {
        block: f.block,
        layer: f.layer,
        pooled: { rows: f.pooledShape[0], cols: f.pooledShape[1], data: f.pooled },
        tokens: { clips: f.tokenShape[0], tokens: f.tokenShape[1], dim: f.tokenShape[2], data: f.tokens },
        ...(decoder ? { reconstructionError: Array.from(decoder.error, (e) => (Number.isFinite(e) ? e : 0)) } : {}),
      };
    });
    const analysis = await measure(async () =>
      evaluateRepresentationsInParallel(
        { dataset: 'moving-mnist', depths, labels: batch.labels, grid: { t: gt, h: gh, w: gw }, patchSize: { t: tt, h: th, w: tw } },
        { probe: { seed: 0 } },
      ),
    );
    return { embedded, recon, analysis };
  });
  const floorAfter = await measure(forwardPass);
  const floorWall = (floorBefore.wallS + floorAfter.wallS) / 2;
  const floorCpu = (floorBefore.cpuS + floorAfter.cpuS) / 2;
  const { embedded, recon, analysis } = suite.result;
  const report = analysis.result;
  const sections = Object.entries(report.timingsMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ');
  out(
    `forward pass over ${clips} clips, every block's and layer's features (the floor): ${floorBefore.wallS.toFixed(1)} s before the suite, ` +
      `${floorAfter.wallS.toFixed(1)} s after (CPU ${floorBefore.cpuS.toFixed(1)} s, ${floorAfter.cpuS.toFixed(1)} s)`,
  );
  out(
    `suite on ${clips} clips, patch diagnostics on ${patchClips} (${report.depths.length} depths, targets ${report.targets.map((t) => t.name).join('/')}, ` +
      `${report.metrics.length} metric rows, ${report.similarity.length} CKA matrices): ${suite.wallS.toFixed(1)} s (CPU ${suite.cpuS.toFixed(1)} s) = ` +
      `one forward pass with features ${embedded.wallS.toFixed(1)} s + reconstruction ${recon.wallS.toFixed(1)} s + analysis ${analysis.wallS.toFixed(1)} s ` +
      `(CPU ${analysis.cpuS.toFixed(1)} s: ${sections}); load average ${loadavg()[0]?.toFixed(1)}`,
  );
  const forwardRatio = suite.wallS / floorWall;
  out(`suite ÷ forward pass: wall ${forwardRatio.toFixed(3)}, CPU ${(suite.cpuS / floorCpu).toFixed(3)} (target ≤ 1.5 ${forwardRatio <= 1.5 ? 'met' : 'MISSED'})`);
  forward = forwardRatio.toFixed(3);
  const trainCpuS = (trainCpuUsed.user + trainCpuUsed.system) / 1e6;
  const lastBlock = report.depths.filter((d) => d.layer === null).length;
  const probeRow = report.metrics.find((m) => m.kind === 'LINEAR_PROBE' && m.target === 'digit' && m.block === lastBlock && m.layer === null);
  out(`final block digit probe ${probeRow?.value.toFixed(3)} ± ${probeRow?.std?.toFixed(3)}`);
  out(`for reference, against the ${summary.steps}-step training run: wall ${(suite.wallS / trainS).toFixed(3)}, CPU ${(suite.cpuS / trainCpuS).toFixed(3)}`);
  ratio = (suite.wallS / trainS).toFixed(3);
}

out(`RESULT analysis cka_matrix_ms=${ckaMs.toFixed(0)} probes_ms=${warm.ms.toFixed(0)} suite_to_forward_ratio=${forward} suite_to_train_ratio=${ratio}`);
