/// <reference lib="dom" />
// The dashboard's own login: the built standalone dashboard in login mode (no server token) against
// the real API, in Debian's Chromium. A wrong or agent token gets a clear error on the login page;
// a READER signs in, sees runs but no cancel/retry, signs out and is sent back to the login page;
// a WRITER signs in and cancels a run through the API with their own token.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { seedRuns, type SeededRun } from '../support/seed.js';
import { launchChromium, startWeb, type RunningWeb } from './web.js';

let api: StartedApi;
let web: RunningWeb;
let browser: Browser;
let runs: SeededRun[];
let runNames: string[];

beforeAll(async () => {
  api = await startApiForTest({ LOG_LEVEL: 'warn' });
  const pool = api.api.services.pool;
  runs = await seedRuns(pool, 3, { prefix: 'login', requirements: { labels: { lane: 'nobody' } } });
  runNames = (await pool.query<{ name: string }>('SELECT name FROM runs WHERE id = ANY($1) ORDER BY name', [runs.map((r) => r.runId)])).rows.map((r) => r.name);
  web = await startWeb(api.url, { sessionSecret: crypto.randomBytes(32).toString('hex') });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await api?.close();
});

async function signIn(context: BrowserContext, token: string, path = '/runs'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(web.url + path);
  // Signed out: every page sends the person to the login page, remembering where they were going.
  await page.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
  expect(new URL(page.url()).searchParams.get('next')).toBe(path);
  await page.locator('[data-testid="login-token"]').fill(token);
  await page.locator('[data-testid="login-submit"]').click();
  return page;
}

async function runStatus(runId: string): Promise<string> {
  return (await api.api.services.pool.query<{ status: string }>('SELECT status::text FROM runs WHERE id = $1', [runId])).rows[0]!.status;
}

describe('dashboard login', () => {
  it('answers nothing without a session: pages redirect to /login, route handlers say 401', async () => {
    const page = await fetch(`${web.url}/runs`, { redirect: 'manual' });
    expect(page.status).toBe(307);
    expect(new URL(page.headers.get('location')!, web.url).pathname).toBe('/login');
    const runsApi = await fetch(`${web.url}/api/runs`);
    expect(runsApi.status).toBe(401);
    expect(await runsApi.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a wrong token and an agent token on the login page with a clear error', async () => {
    const context = await browser.newContext();
    try {
      const page = await signIn(context, `stm_${crypto.randomBytes(24).toString('base64url')}`);
      const error = page.locator('[data-testid="login-error"]');
      await error.waitFor({ timeout: 15_000 });
      expect(await error.innerText()).toContain('unknown or revoked');
      expect(new URL(page.url()).pathname).toBe('/login');

      await page.locator('[data-testid="login-token"]').fill(api.tokens.agent);
      await page.locator('[data-testid="login-submit"]').click();
      await expect.poll(() => error.innerText(), { timeout: 15_000 }).toContain('AGENT token');
      expect(await error.innerText()).toContain('READER, WRITER or ADMIN');
      expect((await context.cookies()).map((c) => c.name)).not.toContain('stratum_session');
    } finally {
      await context.close();
    }
  });

  it('lets a READER see runs but not cancel or retry, and signs them out back to the login page', async () => {
    const context = await browser.newContext();
    try {
      const page = await signIn(context, api.tokens.reader);
      await page.waitForURL((url) => url.pathname === '/runs', { timeout: 15_000 });
      await page.locator('[data-testid="runs-count"]').waitFor({ timeout: 15_000 });
      const main = await page.locator('main').innerText();
      for (const name of runNames) expect(main).toContain(name);
      expect(await page.locator('[data-testid="session-role"]').innerText()).toBe('READER');

      // The session cookie: sealed (the token is not in it), httpOnly, SameSite=Strict; not Secure over plain http.
      const cookie = (await context.cookies()).find((c) => c.name === 'stratum_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
      expect(cookie!.value).not.toContain(api.tokens.reader);
      expect(cookie!.value).not.toContain(api.tokens.reader.slice('stm_'.length));

      // No cancel or retry for a READER, on the run view and in the queue.
      await page.goto(`${web.url}/runs/${runs[0]!.runId}`);
      await page.locator('[data-testid="run-facts"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="run-facts"]').innerText()).toContain('queued');
      expect(await page.locator('[data-testid="cancel-run"]').count()).toBe(0);
      await page.goto(`${web.url}/agents`);
      await page.locator('[data-testid="queue-table"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="cancel-run"]').count()).toBe(0);
      expect(await page.locator('main').innerText()).toContain('Read-only token');

      await page.locator('[data-testid="sign-out"]').click();
      await page.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
      await page.locator('[data-testid="signed-out"]').waitFor();
      expect((await context.cookies()).map((c) => c.name)).not.toContain('stratum_session');
      // Signed out means signed out: the runs page sends them back to the login page.
      await page.goto(`${web.url}/runs`);
      await page.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
      expect(await runStatus(runs[0]!.runId)).toBe('QUEUED');
    } finally {
      await context.close();
    }
  });

  it('lets a WRITER cancel a run, with their own token', async () => {
    const context = await browser.newContext();
    try {
      const target = runs[1]!;
      const page = await signIn(context, api.tokens.writer, `/runs/${target.runId}`);
      await page.waitForURL((url) => url.pathname === `/runs/${target.runId}`, { timeout: 15_000 });
      await page.locator('[data-testid="run-facts"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="session-role"]').innerText()).toBe('WRITER');
      page.once('dialog', (dialog) => void dialog.accept());
      await page.locator('[data-testid="cancel-run"]').click();
      await expect.poll(() => page.locator('[data-testid="run-facts"]').innerText(), { timeout: 15_000 }).toContain('cancelled');
      expect(await runStatus(target.runId)).toBe('CANCELLED');
    } finally {
      await context.close();
    }
  });
});
