// What the dashboard and chart tests start from: the API on a fresh database holding the
// paper-shaped seed (seed-data.ts), Chromium at the size the screenshots are taken at, and a view
// opened until its content shows (or an error saying what the page shows instead).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { buildSeedData, type SeedData } from './seed-data.js';
import { seedVia, writeSeed, type SeededIds } from './seed-db.js';
import { launchChromium } from './web.js';

export const SHOTS = path.join(import.meta.dirname, '..', 'test-artifacts', 'screenshots');

/** The API with the seed written through it. Heartbeats are seeded, not sent: the reaper is kept
 * from declaring the seeded agents lost mid-test. */
export async function startSeededApi(): Promise<{ api: StartedApi; data: SeedData; ids: SeededIds }> {
  const api = await startApiForTest({ LOG_LEVEL: 'warn', AGENT_LOST_AFTER_SECONDS: '86400' });
  const data = buildSeedData();
  const ids = await writeSeed(api.db.url, data, seedVia(api));
  return { api, data, ids };
}

/** Chromium and a 1400×900 context. */
export async function openBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await launchChromium();
  return { browser, context: await browser.newContext({ viewport: { width: 1400, height: 900 } }) };
}

/** Closes what a test file started, in the order given (any may be missing after a failed start). */
export async function closeAll(...things: Array<{ close(): Promise<unknown> } | undefined>): Promise<void> {
  for (const thing of things) await thing?.close();
}

/** Opens `pathname` and waits for `waitFor`; if it never shows, fails with what the page shows
 * instead (an API error panel, usually) and a screenshot of it. */
export async function openView(context: BrowserContext, baseUrl: string, pathname: string, waitFor: string, timeoutMs: number): Promise<Page> {
  const page = await context.newPage();
  await page.goto(baseUrl + pathname, { waitUntil: 'commit' });
  try {
    await page.waitForSelector(waitFor, { timeout: timeoutMs });
  } catch (error) {
    const text = await page.locator('main').innerText().catch(() => '(no main)');
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `failed-${pathname.replace(/\W+/g, '_')}.png`) }).catch(() => undefined);
    throw new Error(`${pathname}: ${waitFor} did not appear; the page shows: ${text.slice(0, 800)}`, { cause: error });
  }
  return page;
}
