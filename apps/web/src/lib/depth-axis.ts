// A shared depth axis for curves of runs with different K: block index when every item has the
// same K, else "layers completed" (block k of K in a depth-L encoder ends at layer k·L/K).

export interface AxisItem { blocks: number; layers: number }

export interface DepthAxis {
  categories: string[];
  /** Category index of depth k (or of pair k→k+1) for item i; undefined when off the axis. */
  index(item: number, depth: number): number | undefined;
  name: string;
}

export function depthAxis(items: AxisItem[], depthsPerItem: number[][], pairs: boolean): DepthAxis {
  const sameK = items.every((it) => it.blocks === items[0]?.blocks);
  const position = (it: AxisItem, d: number) => {
    if (sameK) return d;
    const k = pairs ? d + 1 : d;
    return (k * it.layers) / it.blocks;
  };
  const label = (it: AxisItem, d: number) => {
    if (sameK) return pairs ? `${d}→${d + 1}` : d === 0 ? 'model' : `B${d}`;
    const p = position(it, d);
    return pairs ? `→L${+p.toFixed(2)}` : `L${+p.toFixed(2)}`;
  };
  const all = new Map<number, string>();
  items.forEach((it, i) => (depthsPerItem[i] ?? []).forEach((d) => all.set(position(it, d), label(it, d))));
  const ordered = [...all.keys()].sort((a, b) => a - b);
  const at = new Map(ordered.map((p, i) => [p, i]));
  return {
    categories: ordered.map((p) => all.get(p)!),
    index: (i, d) => {
      const it = items[i];
      return it ? at.get(position(it, d)) : undefined;
    },
    name: sameK ? (pairs ? 'block pair' : 'block') : pairs ? 'pair ending at layer' : 'layers completed',
  };
}

/** Encoder depth L from a run config (model.depth), default 12 (the paper's ViT). */
export function layersOf(config: unknown): number {
  const d = (config as { model?: { depth?: unknown } } | null)?.model?.depth;
  return typeof d === 'number' && d > 0 ? d : 12;
}
