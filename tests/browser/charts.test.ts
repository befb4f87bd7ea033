/// <reference lib="dom" />
// Charts that do not overstate (issue 19, items 5–9), in Chromium against the seeded database:
// chance lines on depth profiles, no verdict colour without an interval, cross-run CKA found from
// either run, readable labels on a near-zero CKA difference map, the depth profile's family
// selector, and metric columns in the runs table kept in the URL.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StartedApi } from '../support/api.js';
import type { SeedData, SeedRun } from './seed-data.js';
import { ACTION_CLASSES, type SeededIds } from './seed-db.js';
import { closeAll, openBrowser, openView, SHOTS, startSeededApi } from './seeded-dashboard.js';
import { startWeb, type RunningWeb } from './web.js';

let api: StartedApi;
let web: RunningWeb;
let browser: Browser;
let context: BrowserContext;
let data: SeedData;
let ids: SeededIds;

const runOf = (key: string): SeedRun => {
  const run = data.sweeps[0]!.runs.find((r) => r.key === key);
  if (!run) throw new Error(`no seeded run ${key}`);
  return run;
};
const idOf = (key: string) => ids.runs.get(runOf(key).name)!;

const open = (pathname: string, waitFor: string): Promise<Page> => openView(context, web.url, pathname, waitFor, 30_000);

/** The text elements an SVG chart drew (axis labels, cell labels, reference labels). */
async function chartTexts(page: Page, testId: string): Promise<string[]> {
  await page.waitForSelector(`[data-testid="${testId}"] svg text`, { timeout: 30_000 });
  return page.locator(`[data-testid="${testId}"] svg text`).allTextContents();
}

beforeAll(async () => {
  ({ api, data, ids } = await startSeededApi());
  // One cross-run matrix, stored as a COMPARE job stores it: rows from the blockwise run.
  const pool = new pg.Pool({ connectionString: api.db.url, max: 1 });
  try {
    await pool.query(
      `INSERT INTO similarity_matrices (run_id, other_run_id, kind, step, dataset, row_labels, col_labels, values)
       VALUES ($1, $2, 'LINEAR_CKA', 2000, 'ucf101', ARRAY['B1','B2','B3','B4'], ARRAY['B1','B2','B3','B4'], $3)`,
      [idOf('small|4|BLOCKWISE_SIMULTANEOUS|0'), idOf('small|4|E2E|0'), Array.from({ length: 16 }, (_, k) => 0.5 + 0.03 * k)]);
  } finally {
    await pool.end();
  }
  web = await startWeb(api.url, { serverToken: api.tokens.writer });
  ({ browser, context } = await openBrowser());
}, 180_000);

afterAll(() => closeAll(context, browser, web, api));

describe('depth profiles', () => {
  it('draw the chance level, on an axis that starts at zero (run view and sweep)', async () => {
    const chance = `chance ${(100 / ACTION_CLASSES).toFixed(1)}% (action, 1/${ACTION_CLASSES})`;
    const page = await open(`/runs/${idOf('small|4|E2E|0')}`, '[data-testid="run-depth-profile"]');
    const texts = await chartTexts(page, 'run-depth-profile');
    expect(texts).toContain(chance);
    expect(texts).toContain('0%');
    const sweep = await open(`/sweeps/${ids.sweeps.get('paper-grid')}`, '[data-testid="sweep-profile"]');
    const sweepTexts = await chartTexts(sweep, 'sweep-profile');
    expect(sweepTexts).toContain(chance);
    expect(sweepTexts).toContain('0%');
    await sweep.close();
    await page.close();
  }, 90_000);

  it('show one family at a time, chosen with a selector kept in the URL', async () => {
    const page = await open(`/runs/${idOf('small|4|E2E|0')}`, '[data-testid="profile-family"]');
    const options = await page.locator('[data-testid="profile-family"] option').allTextContents();
    expect(options).toEqual(['Probes', 'Retrieval']);
    expect(await page.locator('[data-testid="depth-profile"]').getAttribute('data-family')).toBe('probe');
    expect(await chartTexts(page, 'run-depth-profile')).toContain('accuracy');
    await page.locator('[data-testid="profile-family"]').selectOption('retrieval');
    await page.waitForURL(/family=retrieval/, { timeout: 30_000 });
    await page.waitForSelector('[data-testid="depth-profile"][data-family="retrieval"]', { timeout: 30_000 });
    await expect.poll(async () => chartTexts(page, 'run-depth-profile'), { timeout: 15_000 }).toContain('mAP / hit rate');
    expect((await chartTexts(page, 'run-depth-profile')).join(' ')).not.toMatch(/chance/);
    await page.close();
  }, 90_000);
});

describe('compare', () => {
  it('gives no verdict colour to a delta between single runs, and says why', async () => {
    const page = await open(`/compare?run=${idOf('small|4|E2E|0')}&run=${idOf('small|4|BLOCKWISE_SEQUENTIAL|0')}`, '[data-testid="final-delta"]');
    const deltas = page.locator('[data-testid="final-delta"]');
    const n = await deltas.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      const d = deltas.nth(i);
      expect(await d.getAttribute('data-verdict')).toBe('no-interval');
      expect(await d.getAttribute('class')).not.toMatch(/delta-(pos|neg)/);
    }
    expect(await page.locator('[data-testid="no-interval"]').first().innerText()).toBe('1 seed: no interval');
    await page.close();
  }, 90_000);

  it('finds cross-run CKA in either order, transposed', async () => {
    const bw = idOf('small|4|BLOCKWISE_SIMULTANEOUS|0');
    const e2e = idOf('small|4|E2E|0');
    for (const [first, second] of [[bw, e2e], [e2e, bw]] as const) {
      const page = await open(`/compare?run=${first}&run=${second}`, '[data-testid="compare-cross-cka"]');
      await chartTexts(page, 'compare-cross-cka');
      // Stored row-major as 0.50 + 0.03·(4·row + col): 0.53 sits beside 0.56 (one row) as stored,
      // and above it (one column) seen from the E2E run.
      const at = await page.locator('[data-testid="compare-cross-cka"] svg text').evaluateAll((nodes) => nodes.map((n) => {
        const box = n.getBoundingClientRect();
        return { text: n.textContent ?? '', x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
      }));
      const find = (t: string) => at.find((p) => p.text === t)!;
      const [p53, p56] = [find('0.53'), find('0.56')];
      if (first === bw) {
        expect(Math.abs(p53.y - p56.y)).toBeLessThan(3);
        expect(p56.x).toBeGreaterThan(p53.x);
      } else {
        expect(Math.abs(p53.x - p56.x)).toBeLessThan(3);
        expect(p56.y).toBeGreaterThan(p53.y);
      }
      expect(await page.locator('main').innerText()).not.toContain('Not computed for this pair');
      await page.close();
    }
  }, 90_000);

  it('labels a near-zero CKA difference map with the digits its colours encode', async () => {
    // Two seeds of one cell: their matrices differ by at most ~0.004.
    const page = await open(`/compare?run=${idOf('small|4|BLOCKWISE_SIMULTANEOUS|0')}&run=${idOf('small|4|BLOCKWISE_SIMULTANEOUS|1')}`, '[data-testid="compare-cka-diff"]');
    const texts = await chartTexts(page, 'compare-cka-diff');
    const numbers = texts.filter((t) => /^[−-]?\d/.test(t));
    expect(numbers.length).toBeGreaterThan(16);
    expect(numbers).not.toContain('-0.00');
    expect(numbers).not.toContain('−0.00');
    const offDiagonal = numbers.filter((t) => !/^0(\.0+)?$/.test(t));
    expect(offDiagonal.length).toBeGreaterThan(0);
    for (const t of offDiagonal) expect(t, `label ${t}`).toMatch(/^[−]?0\.\d{3,}$|e-/);
    expect(new Set(numbers).size).toBeGreaterThan(4);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.locator('[data-testid="compare-cka-diff"]').screenshot({ path: path.join(SHOTS, 'cka-diff-near-zero.png') });
    await page.close();
  }, 90_000);
});

describe('runs table', () => {
  it('adds a final metric as a column, sorts by it, and keeps both in the URL', async () => {
    const sweep = ids.sweeps.get('paper-grid')!;
    const page = await open(`/runs?sweep=${sweep}`, '[data-testid="add-metric-column"]');
    const column = 'LINEAR_PROBE:accuracy:action';
    const options = await page.locator('[data-testid="add-metric-column"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toContain(column);
    expect(options).not.toContain('LINEAR_PROBE:accuracy_chance:action');
    // The picker is server-rendered: a choice made before React hydrates it is lost, so the
    // choice is made again (only while the URL still lacks the column) until the page takes it.
    const hasColumn = (url: URL) => url.searchParams.getAll('col').includes(column);
    await vi.waitFor(async () => {
      if (!hasColumn(new URL(page.url()))) await page.locator('[data-testid="add-metric-column"]').selectOption(column);
      await page.waitForURL(hasColumn, { timeout: 5_000 });
    }, { timeout: 30_000, interval: 100 });
    await page.waitForSelector('[data-testid="metric-cell"]', { timeout: 30_000 });
    await page.locator(`[data-testid="sort-col:${column}"]`).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === `col:${column}` && url.searchParams.get('dir') === 'asc', { timeout: 30_000 });
    // Finished runs' final-block accuracy, ascending; runs without one last.
    const expected = data.sweeps[0]!.runs.filter((r) => r.probe.size > 0)
      .map((r) => r.probe.get(Math.max(...r.probe.keys()))!.at(-1)!).sort((a, b) => a - b);
    const shown = async () => (await page.locator('[data-testid="metric-cell"]').allInnerTexts()).slice(0, 5);
    await expect.poll(shown, { timeout: 15_000 }).toEqual(expected.slice(0, 5).map((v) => `${(v * 100).toFixed(1)}%`));
    // The URL alone brings the column and the order back.
    const again = await open(new URL(page.url()).pathname + new URL(page.url()).search, '[data-testid="metric-cell"]');
    await expect.poll(async () => (await again.locator('[data-testid="metric-cell"]').allInnerTexts()).slice(0, 5), { timeout: 15_000 })
      .toEqual(expected.slice(0, 5).map((v) => `${(v * 100).toFixed(1)}%`));
    expect(await again.locator(`[data-testid="sort-col:${column}"]`).innerText()).toMatch(/▲/);
    await again.close();
    await page.close();
  }, 120_000);
});

describe('theme', () => {
  it('follows the OS scheme until the toggle pins one, the page and the SVG charts alike, and keeps the pin on reload', async () => {
    const page = await open(`/runs/${idOf('small|4|E2E|0')}`, '[data-testid="run-depth-profile"]');
    await chartTexts(page, 'run-depth-profile');
    const LIGHT = { bg: 'rgb(246, 247, 249)', muted: 'rgb(91, 101, 115)' };
    const DARK = { bg: 'rgb(14, 17, 22)', muted: 'rgb(155, 165, 179)' };
    // The page's background, and the colours the depth profile drew its text in (axis labels: muted).
    const shown = async () => ({
      bg: await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      muted: await page.locator('[data-testid="run-depth-profile"] svg text')
        .evaluateAll((texts) => texts.map((t) => getComputedStyle(t).fill)),
    });
    const expectScheme = (scheme: typeof LIGHT) => expect.poll(shown, { timeout: 15_000 })
      .toEqual({ bg: scheme.bg, muted: expect.arrayContaining([scheme.muted]) as unknown as string[] });
    const toggle = page.locator('[data-testid="theme-toggle"]');
    // A click before React hydrates the button is lost: click again only while the label is not yet the next one.
    const toggleTo = (label: string) => vi.waitFor(async () => {
      if (!(await toggle.innerText()).includes(label)) await toggle.click();
      expect(await toggle.innerText()).toContain(label);
    }, { timeout: 15_000, interval: 250 });

    await page.emulateMedia({ colorScheme: 'light' });
    await expectScheme(LIGHT);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectScheme(DARK);
    await toggleTo('Theme: light'); // pinned light over a dark OS
    await expectScheme(LIGHT);
    await toggleTo('Theme: dark');
    await page.emulateMedia({ colorScheme: 'light' }); // pinned dark over a light OS
    await expectScheme(DARK);
    await page.reload();
    await chartTexts(page, 'run-depth-profile');
    expect(await toggle.innerText()).toContain('Theme: dark');
    await expectScheme(DARK);
    await toggleTo('Theme: system'); // back to the OS, which is light
    await expectScheme(LIGHT);
    await page.close();
  }, 120_000);
});
