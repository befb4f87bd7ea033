/// <reference lib="dom" />
// The live dashboard is pushed to, not polling: the API's subscriptions reach the browser through
// the web server's /api/live Server-Sent Events relay (the browser holds no API token). A point
// logged with logMetrics reaches the run's chart within 1 s; a heartbeat's progress appears; queue
// changes re-render the agents view; and while nothing happens a page sends no requests at all. The built standalone dashboard against
// the real API, in Debian's Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { seedRuns } from '../support/seed.js';
import { launchChromium, startWeb, type RunningWeb } from './web.js';

let api: StartedApi;
let web: RunningWeb;
let browser: Browser;
let page: Page;
let lease: { jobId: string; runId: string; fencingToken: string };
const requests: Array<{ at: number; url: string }> = [];

const LOG = 'mutation($j: ID!, $f: String!, $b: String!, $c: MetricColumnsInput) { logMetrics(jobId: $j, fencingToken: $f, batchId: $b, columns: $c) { accepted } }';

async function agentCall(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { body } = await api.gql(query, variables, api.tokens.agent);
  if (body.errors?.length) throw new Error(body.errors[0]!.message);
  return body.data!;
}

async function logLoss(batchId: string, steps: number[]): Promise<void> {
  await agentCall(LOG, { j: lease.jobId, f: lease.fencingToken, b: batchId, c: { keys: steps.map(() => 'loss'), steps, values: steps.map((s) => 2 / (1 + s / 100)) } });
}

beforeAll(async () => {
  api = await startApiForTest({ LOG_LEVEL: 'warn', AGENT_LOST_AFTER_SECONDS: '86400' });
  const agentId = ((await agentCall('mutation { registerAgent(name: "live-agent", host: "h", backends: ["cpu"]) { id } }', {})).registerAgent as { id: string }).id;
  await seedRuns(api.api.services.pool, 1, { prefix: 'live' });
  lease = (await agentCall('mutation($a: ID!) { claimJob(agentId: $a) { jobId runId fencingToken } }', { a: agentId })).claimJob as typeof lease;
  await logLoss('first', Array.from({ length: 100 }, (_, s) => s));
  web = await startWeb(api.url, { serverToken: api.tokens.reader });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request: Request) => requests.push({ at: Date.now(), url: request.url() }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await api?.close();
});

const lastStep = () => page.locator('[data-testid="run-curves-last-step"]').innerText();

describe('live dashboard', () => {
  it('stays silent while idle, then shows a logged point within 1 s and a heartbeat’s progress', async () => {
    await page.goto(`${web.url}/runs/${lease.runId}`, { waitUntil: 'load' });
    expect(await lastStep()).toBe('99');
    // The page holds one event stream, opened once.
    await expect.poll(() => requests.filter((r) => r.url.includes('/api/live?')).length, { timeout: 10_000 }).toBe(1);
    await page.waitForTimeout(1_500); // let one-off work (link prefetches) settle

    const idleFrom = Date.now();
    await page.waitForTimeout(6_000); // longer than any former polling period (3–5 s)
    const idle = requests.filter((r) => r.at >= idleFrom).map((r) => r.url);
    expect(idle, 'requests sent while nothing happened').toEqual([]);

    const t0 = Date.now();
    await logLoss('second', [100]);
    await page.waitForFunction(() => document.querySelector('[data-testid="run-curves-last-step"]')?.textContent === '100', undefined, { timeout: 5_000, polling: 'raf' });
    const elapsed = Date.now() - t0;
    expect(elapsed, `the point reached the chart ${elapsed} ms after logMetrics was sent`).toBeLessThanOrEqual(1_000);
    // Appended, not re-read: no series request was made for it.
    expect(requests.filter((r) => r.at >= t0 && r.url.includes('/api/series'))).toEqual([]);

    await agentCall('mutation($j: ID!, $f: String!, $p: JSON) { heartbeat(jobId: $j, fencingToken: $f, progress: $p) { cancelRequested } }',
      { j: lease.jobId, f: lease.fencingToken, p: { step: 100, totalSteps: 1000 } });
    await expect.poll(() => page.locator('[data-testid="run-progress"]').innerText(), { timeout: 5_000 }).toContain('step 100 / 1,000');
  });

  it('catches up once on points logged after the page rendered but before its stream subscribed', async () => {
    const late = await browser.newPage();
    let openStream: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (openStream = resolve));
    await late.route('**/api/live?*', async (route) => {
      await held;
      await route.continue();
    });
    await late.goto(`${web.url}/runs/${lease.runId}`, { waitUntil: 'load' });
    const rendered = Number(await late.locator('[data-testid="run-curves-last-step"]').innerText());
    expect(rendered).toBeGreaterThanOrEqual(99);
    await logLoss('before-the-stream', [rendered + 1, rendered + 2]); // pushed to no one: the stream is not open yet
    openStream();
    await expect.poll(() => late.locator('[data-testid="run-curves-last-step"]').innerText(), { timeout: 10_000 }).toBe(String(rendered + 2));
    await late.close();
  });

  it('pushes queue changes to the agents view, which sends nothing while idle', async () => {
    const agents = await browser.newPage();
    const seen: Array<{ at: number; url: string }> = [];
    agents.on('request', (request: Request) => seen.push({ at: Date.now(), url: request.url() }));
    await agents.goto(`${web.url}/agents`, { waitUntil: 'load' });
    await agents.waitForSelector('[data-testid="queue-table"]');
    await expect.poll(() => seen.filter((r) => r.url.includes('/api/live?queue=1')).length, { timeout: 10_000 }).toBe(1);
    await agents.waitForTimeout(1_500);
    const idleFrom = Date.now();
    await agents.waitForTimeout(5_000);
    expect(seen.filter((r) => r.at >= idleFrom).map((r) => r.url), 'requests sent while nothing happened').toEqual([]);
    // A job inserted behind the API's back is not shown (nothing polls); the next queue event
    // (the first run's job released) re-renders the view, and then it is.
    await seedRuns(api.api.services.pool, 1, { prefix: 'live-queue' });
    await agents.waitForTimeout(1_500);
    expect(await agents.locator('[data-testid="queue-table"]').innerText()).not.toContain('live-queue');
    await agentCall('mutation($j: ID!, $f: String!) { releaseJob(jobId: $j, fencingToken: $f) { status } }', { j: lease.jobId, f: lease.fencingToken });
    await expect.poll(() => agents.locator('[data-testid="queue-table"]').innerText(), { timeout: 5_000 }).toContain('live-queue');
    await agents.close();
  });

  it('refuses topics it does not relay, and never needs the token in the browser', async () => {
    const bad = await fetch(`${web.url}/api/live?run=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('run must be a run id');
    expect(await page.content()).not.toContain(api.tokens.reader);
  });
});
