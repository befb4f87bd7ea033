import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, PRESETS, flopsPerStep, parameterCount, resolveRunConfig, tokenCounts } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    resolveRunConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('presets', () => {
  it('tiny and small are the paper models', () => {
    for (const [name, width, heads] of [['tiny', 192, 3], ['small', 384, 6]] as const) {
      const m = PRESETS[name]();
      expect(m).toMatchObject({ embedDim: width, heads, depth: 12, decoderDim: 192, decoderDepth: 4, decoderHeads: 3 });
      expect(m).toMatchObject({ frames: 16, height: 128, width: 128, tubelet: [8, 16, 16], maskRatio: 0.9, layerNormEps: 1e-6, mlpRatio: 4 });
      expect(tokenCounts(m)).toMatchObject({ tokens: 128, spatial: 64, visible: 14, masked: 114 });
    }
  });

  it('the CPU presets keep the paper token grid on 16×32×32 clips', () => {
    for (const name of ['nano', 'micro'] as const) {
      const m = PRESETS[name]();
      expect([m.frames, m.height, m.width]).toEqual([16, 32, 32]);
      expect(m.embedDim).toBeGreaterThanOrEqual(64);
      expect(m.embedDim).toBeLessThanOrEqual(96);
      expect(m.depth).toBe(6);
      expect(tokenCounts(m).tokens).toBe(128);
    }
  });

  it('the CPU presets zero-initialise the decoder head; the paper presets keep Xavier as VideoMAE', () => {
    for (const name of ['nano', 'micro'] as const) expect(PRESETS[name]().decoderHeadInit).toBe('zero');
    for (const name of ['tiny', 'small'] as const) expect(PRESETS[name]().decoderHeadInit).toBe('xavier');
    expect(resolveRunConfig({ preset: 'nano', model: { decoderHeadInit: 'xavier' } }).model.decoderHeadInit).toBe('xavier');
    expect(issuesOf({ preset: 'nano', model: { decoderHeadInit: 'ones' } }).map((i) => i.path)).toEqual(['model.decoderHeadInit']);
  });

  it('normalises inputs with ImageNet statistics for RGB and Moving MNIST ones for one channel', () => {
    expect(PRESETS.tiny()).toMatchObject({ inputMean: [0.485, 0.456, 0.406], inputStd: [0.229, 0.224, 0.225] });
    expect(PRESETS.nano()).toMatchObject({ inputMean: [0.025], inputStd: [0.12] });
    // A preset given another channel count gets that count's defaults, unless the statistics are given.
    expect(resolveRunConfig({ preset: 'nano', model: { channels: 3 }, dataset: { name: 'gratings' } }).model.inputStd).toEqual([0.229, 0.224, 0.225]);
    expect(resolveRunConfig({ preset: 'nano', model: { channels: 2, inputMean: [0.1, 0.2], inputStd: [1, 2] }, dataset: { name: 'x' } }).model.inputMean).toEqual([0.1, 0.2]);
    expect(issuesOf({ preset: 'nano', model: { inputMean: [0.1, 0.2] } })).toEqual([{ path: 'model.inputMean', message: 'has 2 values for 1 channels' }]);
    expect(issuesOf({ preset: 'nano', model: { inputStd: [0] } }).map((i) => i.path)).toEqual(['model.inputStd.0']);
  });

  it('factories return fresh objects', () => {
    const a = PRESETS.nano();
    a.tubelet[0] = 99;
    expect(PRESETS.nano().tubelet[0]).toBe(8);
  });
});

describe('resolveRunConfig', () => {
  it('fills defaults from the preset', () => {
    const c = resolveRunConfig({});
    expect(c).toMatchObject({ preset: 'nano', regime: 'e2e', blocks: 1, seed: 0, steps: 300, batchSize: 32, backend: 'auto', logEvery: 1 });
    expect(c.optimizer).toEqual({ lr: 1e-3, minLr: 1e-5, warmupSteps: 15, weightDecay: 0.05, betas: [0.9, 0.95], eps: 1e-8, clipNorm: null });
    expect(c.dataset).toEqual({ name: 'moving-mnist', frames: 16, size: 32 });
    expect(c.checkpointEvery).toBe(30);
  });

  it('is idempotent on a resolved config', () => {
    const c = resolveRunConfig({ preset: 'micro', regime: 'sequential', blocks: 3, steps: 10 });
    expect(resolveRunConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('overrides any preset field and uses the paper lr for paper presets', () => {
    const c = resolveRunConfig({ preset: 'small', model: { depth: 6, maskRatio: 0.75 }, dataset: { name: 'folder', root: '/data' } });
    expect(c.model.depth).toBe(6);
    expect(c.model.maskRatio).toBe(0.75);
    expect(c.model.embedDim).toBe(384);
    expect(c.optimizer.lr).toBe(1e-4);
  });

  it('defaults blockwise K to 3 layers per block and keeps K for E2E', () => {
    expect(resolveRunConfig({ preset: 'nano', regime: 'simultaneous' }).blocks).toBe(2);
    expect(resolveRunConfig({ preset: 'tiny', regime: 'sequential', dataset: { name: 'folder', root: '/d' } }).blocks).toBe(4);
    expect(resolveRunConfig({ regime: 'e2e', blocks: 3 }).blocks).toBe(3);
  });

  it('names every unknown key with its path', () => {
    const issues = issuesOf({ bogus: 1, model: { widht: 64 }, optimizer: { learningRate: 1 } });
    expect(issues.map((i) => i.path).sort()).toEqual(['bogus', 'model.widht', 'optimizer.learningRate']);
    expect(issues.every((i) => i.message === 'unknown key')).toBe(true);
  });

  it('reports type errors and cross-field violations with paths', () => {
    expect(issuesOf({ steps: -1, regime: 'greedy' }).map((i) => i.path).sort()).toEqual(['regime', 'steps']);
    expect(issuesOf({ blocks: 4 })).toEqual([{ path: 'blocks', message: 'K=4 must divide the encoder depth 6' }]);
    expect(issuesOf({ model: { heads: 5 } }).map((i) => i.path)).toEqual(['model.heads']);
    expect(issuesOf({ model: { tubelet: [3, 4, 4] } }).map((i) => i.path)).toEqual(['model.tubelet']);
    expect(issuesOf({ optimizer: { lr: 1e-3, minLr: 1e-2 } }).map((i) => i.path)).toEqual(['optimizer.minLr']);
    expect(issuesOf({ preset: 'tiny' }).map((i) => i.path)).toEqual(['dataset']);
    const err = (() => {
      try {
        resolveRunConfig({ model: { heads: 5 } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain('model.heads');
  });
});

describe('cost', () => {
  it('counts parameters of a hand-sized model', () => {
    const model = { ...PRESETS.nano(), frames: 2, height: 2, width: 2, channels: 1, tubelet: [1, 1, 1] as [number, number, number], embedDim: 4, depth: 1, heads: 1, decoderDim: 2, decoderDepth: 1, decoderHeads: 1, mlpRatio: 1, maskRatio: 0.5 };
    // encoder: embed 1·4+4; layer: LN 8, qkv 48 + q/v bias 8, proj 20, LN 8, fc1 20, fc2 20 = 132; norm 8
    // decoder: e2d 8, mask 2, layer(d=2,r=1): 4 + (12+4) + 6 + 4 + 6 + 6 = 42, norm 4, head 2+1
    expect(parameterCount({ model, regime: 'e2e', blocks: 1 })).toEqual({ encoder: 8 + 132 + 8, decoder: 8 + 2 + 42 + 4 + 3, decoders: 1, total: 148 + 59 });
    expect(parameterCount({ model, regime: 'simultaneous', blocks: 1 }).total).toBe(148 + 59);
  });

  it('counts FLOPs as 3× forward matmuls, with frozen prefixes 1× in sequential stages', () => {
    const model = { ...PRESETS.nano(), frames: 2, height: 2, width: 2, channels: 1, tubelet: [1, 1, 1] as [number, number, number], embedDim: 4, depth: 2, heads: 1, decoderDim: 2, decoderDepth: 1, decoderHeads: 1, mlpRatio: 1, maskRatio: 0.5 };
    // tokens 8, spatial 4, masked 2/slice → Nv = 4, Nm = 4, P = 1
    const embed = 2 * 4 * 1 * 4;
    const layer = 2 * 4 * (4 * 16 + 2 * 16) + 4 * 4 * 4 * 4;
    const dec = 2 * 4 * 4 * 2 + (2 * 8 * (4 * 4 + 2 * 4) + 4 * 8 * 8 * 2) + 2 * 4 * 2 * 1;
    expect(flopsPerStep({ model, regime: 'e2e', blocks: 1, batchSize: 3 })).toBe(3 * 3 * (embed + 2 * layer + dec));
    expect(flopsPerStep({ model, regime: 'simultaneous', blocks: 2, batchSize: 1 })).toBe(3 * (embed + 2 * layer + 2 * dec));
    const stage1 = 3 * (embed + layer + dec);
    const stage2 = embed + layer + 3 * (layer + dec);
    expect(flopsPerStep({ model, regime: 'sequential', blocks: 2, batchSize: 1 })).toBe((stage1 + stage2) / 2);
  });
});

describe('the package', () => {
  it('never imports tfjs (the API validates sweeps without loading it)', () => {
    const seen = new Set<string>();
    const external: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (!/^import\s+type\b/.test(m[0].trim())) external.push(spec);
      }
    };
    visit(join(here, '..', 'src', 'index.ts'));
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect([...new Set(external)]).toEqual(['zod']);
    const manifest = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@stratum/datasets', 'zod']);
  });
});
