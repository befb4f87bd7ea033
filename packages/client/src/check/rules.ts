// The `--rule` mini-language of `stratum check`. One rule names a metric, where and when to read
// it, and how much worse the candidate may be than the baseline:
//
//   rule    = metric [ "@" at ] { ":" option }
//   metric  = "probe_acc" | "knn_acc" | "map" | "hit@" k | "loss" | "cka"
//   at      = "final" | step                        (default final: each run's last evaluation)
//   option  = "block=" ( n | "last" | "model" )     (default last; model = the whole network;
//                                                    for cka, block k is the pair k, k+1)
//           | "target=" name                        (probe/retrieval label family: action, digit, …)
//           | "dataset=" name                       (evaluation dataset; default: the API's choice)
//           | "max_drop=" x                         (absolute: fail when worse by more than x)
//           | "max_rel_drop=" x | x "%"             (relative to the baseline mean: 0.05 or 5%)
//           | "direction=" ( "higher" | "lower" )   (which way is better; loss: lower, else higher)
//
// Exactly one of max_drop / max_rel_drop is required. Examples:
//   probe_acc@final:block=last:target=action:max_drop=0.02
//   map:max_rel_drop=5%
//   hit@5@final:block=3:max_drop=0.01
//   loss@2000:block=model:max_rel_drop=0.1           (loss: an increase is a drop)
import { StratumError } from '../sdk/errors.js';

export type RuleMetric = 'probe_acc' | 'knn_acc' | 'map' | 'loss' | 'cka' | `hit@${number}`;
export type RuleBlock = number | 'last' | 'model';
export type Direction = 'higher' | 'lower';

export interface RegressionRule {
  /** The rule as the user wrote it (what reports show). */
  text: string;
  metric: RuleMetric;
  /** 'final' or a training step. */
  at: 'final' | number;
  block: RuleBlock;
  target?: string;
  dataset?: string;
  /** Exactly one of maxDrop (absolute) and maxRelDrop (fraction of the baseline mean) is set. */
  maxDrop?: number;
  maxRelDrop?: number;
  direction: Direction;
}

const SIMPLE_METRICS = ['probe_acc', 'knn_acc', 'map', 'loss', 'cka'] as const;
const EVALUATION_METRICS = new Set(['probe_acc', 'knn_acc', 'map']);
const OPTIONS = ['block', 'target', 'dataset', 'max_drop', 'max_rel_drop', 'direction'] as const;
type OptionKey = (typeof OPTIONS)[number];

export class RuleSyntaxError extends StratumError {
  constructor(readonly rule: string, readonly column: number, detail: string) {
    super('USAGE', `invalid --rule "${rule}" (column ${column}): ${detail}`);
    this.name = 'RuleSyntaxError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/;

function parseNumber(rule: string, column: number, key: string, raw: string, allowPercent: boolean): number {
  const percent = allowPercent && raw.endsWith('%');
  const body = percent ? raw.slice(0, -1) : raw;
  if (!/^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(body)) {
    throw new RuleSyntaxError(rule, column, `${key} must be a non-negative number${allowPercent ? ' or a percentage such as 5%' : ''}, not "${raw}"`);
  }
  const value = Number(body) / (percent ? 100 : 1);
  if (!Number.isFinite(value)) throw new RuleSyntaxError(rule, column, `${key} must be finite`);
  return value;
}

/** Parses one `--rule` argument; throws RuleSyntaxError naming the column and the problem. */
export function parseRule(text: string): RegressionRule {
  const rule = text.trim();
  if (!rule) throw new RuleSyntaxError(text, 1, 'empty rule; expected e.g. probe_acc@final:block=last:max_drop=0.02');
  const [head = '', ...options] = rule.split(':');

  // metric [@at] — hit@k carries its own "@", so take the metric first.
  const metricMatch = /^(hit@(\d+)|[a-z_]+)/.exec(head);
  const metricText = metricMatch?.[1] ?? '';
  let metric: RuleMetric;
  if (metricMatch?.[2] !== undefined) {
    const k = Number(metricMatch[2]);
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new RuleSyntaxError(rule, 5, `hit@k needs 1 ≤ k ≤ 1000, not ${metricMatch[2]}`);
    metric = `hit@${k}`;
  } else if ((SIMPLE_METRICS as readonly string[]).includes(metricText)) {
    metric = metricText as RuleMetric;
  } else {
    throw new RuleSyntaxError(rule, 1, `unknown metric "${head.split('@')[0]}"; known: ${SIMPLE_METRICS.join(', ')}, hit@k`);
  }
  let at: 'final' | number = 'final';
  const rest = head.slice(metricText.length);
  if (rest) {
    const atMatch = /^@(final|\d+)$/.exec(rest);
    if (!atMatch) throw new RuleSyntaxError(rule, metricText.length + 1, `expected "@final" or "@<step>" after the metric, not "${rest}"`);
    at = atMatch[1] === 'final' ? 'final' : Number(atMatch[1]);
    if (typeof at === 'number' && !Number.isSafeInteger(at)) throw new RuleSyntaxError(rule, metricText.length + 2, 'step out of range');
  }

  const seen = new Set<OptionKey>();
  const parsed: Partial<RegressionRule> = {};
  let column = head.length + 2;
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = (eq < 0 ? option : option.slice(0, eq)).trim();
    const value = eq < 0 ? '' : option.slice(eq + 1).trim();
    if (!(OPTIONS as readonly string[]).includes(key)) {
      throw new RuleSyntaxError(rule, column, `unknown option "${key}"; known: ${OPTIONS.join(', ')}`);
    }
    const name = key as OptionKey;
    if (eq < 0 || value === '') throw new RuleSyntaxError(rule, column, `option "${name}" needs a value (${name}=…)`);
    if (seen.has(name)) throw new RuleSyntaxError(rule, column, `option "${name}" given twice`);
    seen.add(name);
    const valueColumn = column + eq + 1;
    switch (name) {
      case 'block':
        if (value === 'last' || value === 'model') parsed.block = value;
        else if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1000) parsed.block = Number(value);
        else throw new RuleSyntaxError(rule, valueColumn, `block must be a block number ≥ 1, "last" or "model", not "${value}"`);
        break;
      case 'target':
      case 'dataset':
        if (!NAME.test(value)) throw new RuleSyntaxError(rule, valueColumn, `${name} must be a plain name (letters, digits, _ . - /), not "${value}"`);
        parsed[name] = value;
        break;
      case 'max_drop':
        parsed.maxDrop = parseNumber(rule, valueColumn, name, value, false);
        break;
      case 'max_rel_drop':
        parsed.maxRelDrop = parseNumber(rule, valueColumn, name, value, true);
        break;
      case 'direction':
        if (value !== 'higher' && value !== 'lower') throw new RuleSyntaxError(rule, valueColumn, `direction must be "higher" or "lower" (which way is better), not "${value}"`);
        parsed.direction = value;
        break;
    }
    column += option.length + 1;
  }
  if (parsed.maxDrop === undefined && parsed.maxRelDrop === undefined) {
    throw new RuleSyntaxError(rule, rule.length, 'add a tolerance: max_drop=<absolute> or max_rel_drop=<fraction or %>');
  }
  if (parsed.maxDrop !== undefined && parsed.maxRelDrop !== undefined) {
    throw new RuleSyntaxError(rule, rule.length, 'give max_drop or max_rel_drop, not both (write two rules to check both)');
  }
  if (parsed.target !== undefined && !EVALUATION_METRICS.has(metric) && !metric.startsWith('hit@')) {
    throw new RuleSyntaxError(rule, rule.indexOf('target=') + 1, `target applies to evaluation metrics (probe_acc, knn_acc, map, hit@k), not ${metric}`);
  }
  if (metric === 'cka' && parsed.block === 'model') {
    throw new RuleSyntaxError(rule, rule.indexOf('block=') + 1, 'block=model does not apply to cka (a similarity between consecutive blocks k, k+1)');
  }
  return {
    text: rule,
    metric,
    at,
    block: parsed.block ?? 'last',
    ...(parsed.target !== undefined ? { target: parsed.target } : {}),
    ...(parsed.dataset !== undefined ? { dataset: parsed.dataset } : {}),
    ...(parsed.maxDrop !== undefined ? { maxDrop: parsed.maxDrop } : {}),
    ...(parsed.maxRelDrop !== undefined ? { maxRelDrop: parsed.maxRelDrop } : {}),
    direction: parsed.direction ?? (metric === 'loss' ? 'lower' : 'higher'),
  };
}

/** The canonical text of a rule (every default spelled out); parseRule(formatRule(r)) ≡ r. */
export function formatRule(rule: RegressionRule): string {
  const parts = [`${rule.metric}@${rule.at}`, `block=${rule.block}`];
  if (rule.target !== undefined) parts.push(`target=${rule.target}`);
  if (rule.dataset !== undefined) parts.push(`dataset=${rule.dataset}`);
  if (rule.maxDrop !== undefined) parts.push(`max_drop=${rule.maxDrop}`);
  if (rule.maxRelDrop !== undefined) parts.push(`max_rel_drop=${rule.maxRelDrop}`);
  parts.push(`direction=${rule.direction}`);
  return parts.join(':');
}
