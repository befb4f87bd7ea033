// The check report as JUnit XML: one test case per rule; FAIL → <failure>, INSUFFICIENT_DATA →
// <skipped>, so CI systems show regressions as failed tests and missing data as skipped ones.
import { formatDelta, formatInterval, formatValue } from './format.js';
import { countVerdicts, type CheckReport, type RuleOutcome } from './verdicts.js';

// Characters XML 1.0 cannot carry at all (even escaped): C0 controls except tab/newline/CR,
// lone surrogates, U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an XML attribute or element; drops characters XML cannot represent. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

function summary(outcome: RuleOutcome): string {
  return `baseline ${formatValue(outcome.baselineMean)} (n=${outcome.baselineN}), candidate ${formatValue(outcome.candidateMean)} (n=${outcome.candidateN}), ` +
    `delta ${formatDelta(outcome.delta)}, 95% CI ${formatInterval(outcome.ciLow, outcome.ciHigh)}`;
}

export function renderJUnit(report: CheckReport): string {
  const counts = countVerdicts(report.outcomes);
  const time = (report.seconds ?? 0).toFixed(3);
  const suite = `stratum check: ${report.candidate} vs ${report.baseline}`;
  const totals = `tests="${report.outcomes.length}" failures="${counts.FAIL}" errors="0" skipped="${counts.INSUFFICIENT_DATA}" time="${time}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stratum check" ${totals}>`,
    `  <testsuite name="${escapeXml(suite)}" ${totals}>`,
    '    <properties>',
    `      <property name="baseline" value="${escapeXml(report.baseline)}"/>`,
    `      <property name="candidate" value="${escapeXml(report.candidate)}"/>`,
    '    </properties>',
  ];
  for (const outcome of report.outcomes) {
    const open = `    <testcase classname="stratum.check" name="${escapeXml(outcome.rule)}" time="0">`;
    const detail = summary(outcome) + (outcome.reason ? `; ${outcome.reason}` : '');
    if (outcome.verdict === 'PASS') {
      lines.push(open, `      <system-out>${escapeXml(detail)}</system-out>`, '    </testcase>');
    } else if (outcome.verdict === 'FAIL') {
      lines.push(open, `      <failure type="REGRESSION" message="${escapeXml(`regression: ${summary(outcome)}`)}">${escapeXml(detail)}</failure>`, '    </testcase>');
    } else {
      lines.push(open, `      <skipped message="${escapeXml(`insufficient data: ${outcome.reason ?? summary(outcome)}`)}"/>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
