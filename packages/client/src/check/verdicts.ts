// The outcome of `stratum check`, independent of the wire format: what the renderers and the
// exit-code policy consume.

export type Verdict = 'PASS' | 'FAIL' | 'INSUFFICIENT_DATA';

export interface RuleOutcome {
  /** The rule as written on the command line. */
  rule: string;
  verdict: Verdict;
  baselineMean: number | null;
  candidateMean: number | null;
  /** candidate − baseline (raw difference; the rule's direction says which sign is worse). */
  delta: number | null;
  /** 95% confidence interval of the delta (Welch over seeds). */
  ciLow: number | null;
  ciHigh: number | null;
  baselineN: number;
  candidateN: number;
  /** The API's explanation, e.g. "needs ≥ 2 seeds per side, candidate has 1". */
  reason: string | null;
}

export interface CheckReport {
  baseline: string;
  /** How the candidate was named (sweep, tag or run ids). */
  candidate: string;
  outcomes: RuleOutcome[];
  /** Wall time of the check, for JUnit. */
  seconds?: number;
}

export function countVerdicts(outcomes: readonly RuleOutcome[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { PASS: 0, FAIL: 0, INSUFFICIENT_DATA: 0 };
  for (const outcome of outcomes) counts[outcome.verdict]++;
  return counts;
}
