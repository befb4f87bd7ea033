import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeForCheck, exitCodeForError } from '../src/cli/exit-codes.js';
import { StratumError } from '../src/sdk/errors.js';
import { formatDelta, formatInterval, formatValue } from '../src/check/format.js';
import { escapeXml, renderJUnit } from '../src/check/junit.js';
import { escapeMarkdownCell, markdownCode, renderMarkdown } from '../src/check/markdown.js';
import type { CheckReport, RuleOutcome } from '../src/check/verdicts.js';

const pass: RuleOutcome = { rule: 'probe_acc@final:block=last:max_drop=0.02', verdict: 'PASS', baselineMean: 0.43, candidateMean: 0.435, delta: 0.005, ciLow: -0.01, ciHigh: 0.02, baselineN: 3, candidateN: 3, reason: null };
const fail: RuleOutcome = { rule: 'map:max_rel_drop=5%', verdict: 'FAIL', baselineMean: 0.2, candidateMean: 0.18, delta: -0.02, ciLow: -0.03, ciHigh: -0.01, baselineN: 3, candidateN: 3, reason: 'dropped 10.0% > 5%' };
const short: RuleOutcome = { rule: 'cka:max_drop=0.1', verdict: 'INSUFFICIENT_DATA', baselineMean: 0.9, candidateMean: null, delta: null, ciLow: null, ciHigh: null, baselineN: 3, candidateN: 1, reason: 'candidate has 1 seed <b>, needs 2' };

describe('number formatting', () => {
  it('uses four decimals, explicit signs for deltas, and a dash for missing values', () => {
    expect(formatValue(0.43)).toBe('0.4300');
    expect(formatValue(-0.02)).toBe('−0.0200');
    expect(formatValue(2e-5)).toBe('2.00e−5');
    expect(formatValue(null)).toBe('—');
    expect(formatDelta(0.005)).toBe('+0.0050');
    expect(formatDelta(0)).toBe('+0.0000');
    expect(formatDelta(-0.02)).toBe('−0.0200');
    expect(formatInterval(-0.01, 0.02)).toBe('[−0.0100, +0.0200]');
    expect(formatInterval(null, 0.02)).toBe('—');
  });
});

describe('markdown report', () => {
  const report: CheckReport = { baseline: 'main', candidate: 'sweep pr-42', outcomes: [pass, fail, short] };
  const md = renderMarkdown(report);
  const rows = md.split('\n').filter((line) => line.startsWith('| '));

  it('has a header row and one row per rule with six cells', () => {
    expect(rows).toHaveLength(1 + 3);
    for (const row of rows) {
      // Split on unescaped pipes only, as GFM does.
      const cells = row.split(/(?<!\\)\|/).slice(1, -1);
      expect(cells).toHaveLength(6);
    }
  });

  it('shows means with n, the signed delta, the CI and the verdict', () => {
    expect(rows[1]).toContain('`probe_acc@final:block=last:max_drop=0.02`');
    expect(rows[1]).toContain('0.4300 (3)');
    expect(rows[1]).toContain('0.4350 (3)');
    expect(rows[1]).toContain('+0.0050');
    expect(rows[1]).toContain('[−0.0100, +0.0200]');
    expect(rows[1]).toContain('✅ PASS');
    expect(rows[2]).toContain('❌ FAIL');
    expect(rows[3]).toContain('— (1)');
    expect(rows[3]).toContain('⚠️ INSUFFICIENT DATA');
  });

  it('leads with the overall outcome and counts, and keeps reasons as escaped notes', () => {
    expect(md.split('\n')[0]).toBe('### Stratum check: ❌ regression detected');
    expect(md).toContain('1 passed, 1 failed, 1 with insufficient data');
    expect(md).toContain('candidate has 1 seed &lt;b&gt;, needs 2');
    expect(renderMarkdown({ ...report, outcomes: [pass] }).split('\n')[0]).toBe('### Stratum check: ✅ no regression');
    expect(renderMarkdown({ ...report, outcomes: [pass, short] }).split('\n')[0]).toBe('### Stratum check: ⚠️ insufficient data');
  });

  it('escapes pipes, HTML and newlines in cells', () => {
    expect(escapeMarkdownCell('a|b<c>\nd&e')).toBe('a\\|b&lt;c&gt; d&amp;e');
    expect(markdownCode('a|b')).toBe('`a\\|b`');
    expect(markdownCode('x `y` z')).toBe('``x `y` z``');
  });
});

describe('junit report', () => {
  const report: CheckReport = { baseline: 'main & <co>', candidate: 'run "a"', outcomes: [pass, fail, short], seconds: 1.5 };
  const xml = renderJUnit(report);

  it('is well-formed XML with one testcase per rule and the right totals', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<\/testcase>/g)).toHaveLength(3);
    expect(xml).toMatch(/<testsuites name="stratum check" tests="3" failures="1" errors="0" skipped="1" time="1.500">/);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<skipped /g)).toHaveLength(1);
    // No raw special characters inside attribute values.
    for (const match of xml.matchAll(/="([^"]*)"/g)) expect(match[1]).not.toMatch(/[<>&](?!(amp|lt|gt|quot|apos|#\d+);)/);
  });

  it('puts the failure on the failing rule and the skip on the short one', () => {
    const failing = xml.slice(xml.indexOf('name="map:max_rel_drop=5%"'));
    expect(failing.slice(0, failing.indexOf('</testcase>'))).toContain('<failure type="REGRESSION" message="regression: baseline 0.2000 (n=3), candidate 0.1800 (n=3)');
    const skipped = xml.slice(xml.indexOf('name="cka:max_drop=0.1"'));
    expect(skipped.slice(0, skipped.indexOf('</testcase>'))).toContain('<skipped message="insufficient data: candidate has 1 seed &lt;b&gt;, needs 2"/>');
    expect(xml).toContain('value="main &amp; &lt;co&gt;"');
    expect(xml).toContain('value="run &quot;a&quot;"');
  });

  it('escapes every XML special and replaces characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('bell\u0007 nul\u0000')).toBe('bell\uFFFD nul\uFFFD');
    expect(escapeXml('lone \uD800 pair \uD83D\uDE00')).toBe('lone \uFFFD pair \uD83D\uDE00');
    expect(escapeXml('a\nb')).toBe('a&#10;b');
  });

  it('parses as XML-ish tokens: every opening tag is closed (checked with a small stack)', () => {
    const stack: string[] = [];
    for (const match of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (match[3] === '/') continue;
      if (match[1] === '/') expect(stack.pop()).toBe(match[2]);
      else stack.push(match[2] ?? '');
    }
    expect(stack).toEqual([]);
  });
});

describe('exit codes', () => {
  it('0 when all pass, 1 on any regression, 2 on insufficient data (regression wins) or no rules', () => {
    expect(exitCodeForCheck([pass])).toBe(ExitCode.OK);
    expect(exitCodeForCheck([pass, fail])).toBe(1);
    expect(exitCodeForCheck([pass, short])).toBe(2);
    expect(exitCodeForCheck([short, fail])).toBe(1);
    expect(exitCodeForCheck([])).toBe(2);
  });

  it('2 for input errors, 3 for an unreachable or refusing API', () => {
    expect(exitCodeForError(new StratumError('BAD_USER_INPUT', 'x'))).toBe(2);
    expect(exitCodeForError(new StratumError('NOT_FOUND', 'x'))).toBe(2);
    expect(exitCodeForError(new StratumError('INVALID_FILE', 'x'))).toBe(2);
    expect(exitCodeForError(new StratumError('NETWORK_ERROR', 'x'))).toBe(3);
    expect(exitCodeForError(new StratumError('UNAUTHENTICATED', 'x'))).toBe(3);
    expect(exitCodeForError(new Error('bug'))).toBe(3);
  });
});
