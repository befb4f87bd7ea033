// Missing items answer 404: every dashboard route that names a run, sweep or project looks it up
// before the page starts streaming, so the status line says what the not-found page says. The
// built standalone dashboard against the real API on a fresh database, in Debian's Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiForTest, type StartedApi } from '../support/api.js';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startWeb, type RunningWeb } from './web.js';

let api: StartedApi;
let web: RunningWeb;
let browser: Browser;
let page: Page;
let runId: string;
let sweepId: string;
const MISSING = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  api = await startApiForTest({ LOG_LEVEL: 'warn' });
  const pool = api.api.services.pool;
  const project = (await pool.query<{ id: string }>(`INSERT INTO projects (name) VALUES ('found') RETURNING id`)).rows[0]!.id;
  sweepId = (await pool.query<{ id: string }>(
    `INSERT INTO sweeps (project_id, name, spec, spec_hash, expansion) VALUES ($1, 'grid', $2, 'h', '[]') RETURNING id`,
    [project, JSON.stringify({ factors: { modelSizes: ['nano'], blocks: [2], modes: ['E2E'], seeds: [0] } })])).rows[0]!.id;
  runId = (await pool.query<{ id: string }>(
    `INSERT INTO runs (project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config, status)
     VALUES ($1, $2, 'r0', 'E2E', 'nano', 2, 0, 'moving-mnist', '{}', 'SUCCEEDED') RETURNING id`, [project, sweepId])).rows[0]!.id;
  web = await startWeb(api.url, { serverToken: api.tokens.reader });
  browser = await launchChromium();
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await api?.close();
});

/** The response status and, once rendered, the page's main heading. */
async function visit(pathname: string): Promise<{ status: number | undefined; heading: string }> {
  const response = await page.goto(web.url + pathname, { waitUntil: 'load' });
  const heading = page.locator('main h1').first();
  await heading.waitFor();
  return { status: response?.status(), heading: (await heading.innerText()).trim() };
}

describe('not found', () => {
  it('answers 404 with the not-found page for a missing or malformed run, sweep or project', async () => {
    const cases: Array<[string, string]> = [
      [`/runs/${MISSING}`, 'Run'],
      ['/runs/not-a-run', 'Run'],
      [`/sweeps/${MISSING}`, 'Sweep'],
      ['/sweeps/not-a-sweep', 'Sweep'],
      ['/runs?project=no-such-project', 'Page'],
      [`/runs?sweep=${MISSING}`, 'Page'],
      [`/compare?run=${runId}&run=${MISSING}`, 'A compared run'],
      ['/no-such-page', 'Page'],
    ];
    for (const [pathname, what] of cases) {
      expect(await visit(pathname), pathname).toEqual({ status: 404, heading: `${what} not found` });
    }
  });

  it('still answers 200 for the items that exist', async () => {
    const pages: Array<[string, string]> = [[`/runs/${runId}`, 'r0'], [`/sweeps/${sweepId}`, 'grid'], ['/runs?project=found', 'Runs'], [`/runs?sweep=${sweepId}`, 'Runs'], ['/', 'Overview']];
    for (const [pathname, heading] of pages) {
      expect(await visit(pathname), pathname).toEqual({ status: 200, heading });
    }
  });
});
