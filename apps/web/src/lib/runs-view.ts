// The runs table's row model and sort keys (client-safe; the server maps the API's runs to it).

export interface RunRow {
  id: string;
  name: string;
  status: string;
  mode: string;
  modelSize: string;
  blocks: number;
  seed: number;
  dataset: string;
  tags: string[];
  sweepId: string | null;
  sweepName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Metric column id → the run's final value (see run-columns.ts). */
  metrics: Record<string, number | null>;
}

export const SORT_FIELDS = ['createdAt', 'name', 'status', 'mode', 'modelSize', 'blocks', 'seed'] as const;
export type SortField = (typeof SORT_FIELDS)[number] | `col:${string}`;
