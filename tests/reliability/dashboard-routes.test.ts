// The dashboard's route matrix, measured: every route handler (`app/api/**/route.ts`, read from
// disk) and every server action (read from the build's server-reference manifest) is called with
// each role's session, with none, and with a tampered cookie, on the built dashboard in login
// mode; and on a local-dev dashboard (no sign-in, a WRITER server token) from loopback, with a
// rebinding Host/Origin pair and with a foreign Origin. Each call must be allowed or refused exactly
// as ROUTE_MATRIX says, and a refused cancel/retry must leave its run as it was. A route or action
// without an entry fails the test until it is classified.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { sealData } from 'iron-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiForTest, type StartedApi } from '../support/api.js';
import { seedRuns } from '../support/seed.js';
import { startWeb, WEB_DIR, type RunningWeb } from '../browser/web.js';

type Role = 'ADMIN' | 'WRITER' | 'READER' | 'AGENT';
type Caller = Role | 'none' | 'tampered';

// ---------------------------------------------------------------------------------------------
// The matrix, from issue 18 item 4 and the API's roles: the dashboard reads for READER and above,
// cancels and retries for WRITER and above (the API decides, with the person's own token); an
// AGENT token cannot sign in (its session here is forged with the secret, to show the API refuses
// it anyway); signing in and out is open to anyone. Without a session nothing else is answered.
const READ: readonly Caller[] = ['ADMIN', 'WRITER', 'READER'];
const WRITE: readonly Caller[] = ['ADMIN', 'WRITER'];
const ANYONE: readonly Caller[] = ['ADMIN', 'WRITER', 'READER', 'AGENT', 'none', 'tampered'];

const ROUTE_MATRIX: Record<string, readonly Caller[]> = {
  'GET /api/live': READ,
  'GET /api/runs': READ,
  'GET /api/series': READ,
  'action cancelRunAction': WRITE,
  'action retryRunAction': WRITE,
  'action signInAction': ANYONE,
  'action signOutAction': ANYONE,
};

const CALLERS: readonly Caller[] = ['ADMIN', 'WRITER', 'READER', 'AGENT', 'none', 'tampered'];
const COOKIE = 'stratum_session';
const SECRET = crypto.randomBytes(32).toString('hex');

let api: StartedApi;
let pool: pg.Pool;
let loginWeb: RunningWeb;
let localWeb: RunningWeb;
const sessions = new Map<Caller, string>();
let actions: Array<{ id: string; name: string; page: string }>;

// ---------------------------------------------------------------------------------------------
// Enumerated from disk.

/** `GET /api/runs` for every exported method of every app/**\/route.ts. */
function routeHandlers(): string[] {
  const app = path.join(WEB_DIR, 'src', 'app');
  const found: string[] = [];
  for (const file of fs.readdirSync(app, { recursive: true, encoding: 'utf8' })) {
    if (path.basename(file) !== 'route.ts') continue;
    const urlPath = '/' + path.dirname(file).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join('/');
    const source = fs.readFileSync(path.join(app, file), 'utf8');
    for (const [, method] of source.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) found.push(`${method} ${urlPath}`);
  }
  return found.sort();
}

/** Every server action of the build, with a page (without dynamic segments) that can run it. */
function serverActions(): Array<{ id: string; name: string; page: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(WEB_DIR, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const pages = Object.keys(entry.workers)
      .filter((w) => w.endsWith('/page') && !w.includes('[') && !w.includes('_not-found'))
      .map((w) => w.replace(/^app/, '').replace(/\/page$/, '').replace(/\/\([^)]*\)/g, '') || '/');
    return { id, name: entry.exportedName ?? id, page: pages.includes('/login') ? '/login' : pages.sort()[0]! };
  });
}

// ---------------------------------------------------------------------------------------------
// Requests through node:http (fetch cannot forge a Host header).

interface Answer { status: number; headers: http.IncomingHttpHeaders; text: string }

function request(base: string, pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string; headersOnly?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + pathname, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      if (options.headersOnly) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
        res.destroy();
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${pathname}: no answer within 30 s`)));
    req.end(options.body);
  });
}

/** Who is calling and from where: the session cookie, and the Host/Origin the browser would send. */
interface From { cookie?: string | undefined; host?: string; origin?: string; proto?: 'http' | 'https' }

function headersFor(web: RunningWeb, from: From): Record<string, string> {
  const own = new URL(web.url);
  return {
    host: from.host ?? own.host,
    ...(from.origin !== undefined ? { origin: from.origin } : {}),
    ...(from.cookie ? { cookie: `${COOKIE}=${from.cookie}` } : {}),
    // What a TLS-terminating proxy in front of the dashboard says.
    ...(from.proto ? { 'x-forwarded-proto': from.proto } : {}),
  };
}

function callAction(web: RunningWeb, action: { id: string; page: string }, args: unknown[], from: From): Promise<Answer> {
  return request(web.url, action.page, {
    method: 'POST',
    // A server action as the browser calls it: the action id, the arguments, same-origin.
    headers: { ...headersFor(web, { origin: web.url, ...from }), 'next-action': action.id, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
    body: JSON.stringify(args),
  });
}

/** The action's return value from its RSC answer (the row holding `ok`), if it returned one. */
function actionResult(answer: Answer): { ok: boolean; error?: { code: string; message: string } } | undefined {
  for (const line of answer.text.split('\n')) {
    const json = line.slice(line.indexOf(':') + 1);
    if (!json.startsWith('{"ok"')) continue;
    try {
      return JSON.parse(json) as { ok: boolean; error?: { code: string; message: string } };
    } catch {
      // not this row
    }
  }
  return undefined;
}

function setCookieOf(answer: Answer): string | undefined {
  const line = (answer.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${COOKIE}=`));
  return line?.slice(COOKIE.length + 1).split(';')[0];
}

// ---------------------------------------------------------------------------------------------
// What each call does, and how an allowed and a refused call look.

type Verdict = 'allowed' | 'refused' | string;

const REFUSED_STATUS = new Set([401, 403]);
const REFUSED_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

async function runStatus(runId: string): Promise<string> {
  return (await pool.query<{ status: string }>('SELECT status::text FROM runs WHERE id = $1', [runId])).rows[0]!.status;
}

async function freshRun(status: 'QUEUED' | 'CANCELLED'): Promise<string> {
  const [seeded] = await seedRuns(pool, 1, { prefix: 'routes', requirements: { labels: { lane: 'nobody' } } });
  if (status === 'CANCELLED') {
    const { body } = await api.gql('mutation($r: ID!) { cancelRun(id: $r) { status } }', { r: seeded!.runId }, api.tokens.writer);
    if (body.errors?.length) throw new Error(`could not cancel the seeded run: ${JSON.stringify(body.errors)}`);
  }
  return seeded!.runId;
}

/** Calls one route or action as `from` on `web`; says whether it was allowed, refused, or neither (and why). */
async function attempt(web: RunningWeb, key: string, from: From, runIds: { runs: string; series: string }): Promise<Verdict> {
  const [kind, name] = key.split(' ') as [string, string];
  if (kind === 'GET') {
    const query = name === '/api/live' ? `?run=${runIds.series}` : name === '/api/series' ? `?run=${runIds.series}&key=loss&maxPoints=50` : '';
    const answer = await request(web.url, name + query, { headers: headersFor(web, from), headersOnly: name === '/api/live' });
    if (REFUSED_STATUS.has(answer.status)) return 'refused';
    if (answer.status !== 200) return `HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
    if (name === '/api/live') return String(answer.headers['content-type']).startsWith('text/event-stream') ? 'allowed' : `not an event stream: ${answer.headers['content-type']}`;
    return 'allowed';
  }
  const action = actions.find((a) => a.name === name)!;
  if (name === 'cancelRunAction' || name === 'retryRunAction') {
    const runId = await freshRun(name === 'cancelRunAction' ? 'QUEUED' : 'CANCELLED');
    const before = await runStatus(runId);
    const answer = await callAction(web, action, [runId], from);
    const after = await runStatus(runId);
    const result = actionResult(answer);
    const refused = REFUSED_STATUS.has(answer.status) || (result?.ok === false && REFUSED_CODES.has(result.error!.code));
    if (refused) return after === before ? 'refused' : `refused, but the run went ${before} → ${after}`;
    if (answer.status === 200 && result?.ok === true) return after === (name === 'cancelRunAction' ? 'CANCELLED' : 'QUEUED') ? 'allowed' : `allowed, but the run is ${after}`;
    return `HTTP ${answer.status} ${JSON.stringify(result) ?? answer.text.slice(0, 200)}`;
  }
  if (name === 'signInAction') {
    // Anyone may sign in (with a READER token here); a refusal is the proxy's 401/403.
    const answer = await callAction(web, action, [api.tokens.reader, '/'], from);
    if (REFUSED_STATUS.has(answer.status)) return 'refused';
    const cookie = setCookieOf(answer);
    return answer.status === 200 && cookie && answer.headers['x-action-redirect'] ? 'allowed' : `HTTP ${answer.status} cookie=${Boolean(cookie)} ${answer.text.slice(0, 200)}`;
  }
  if (name === 'signOutAction') {
    const answer = await callAction(web, action, [], from);
    if (REFUSED_STATUS.has(answer.status)) return 'refused';
    return answer.status === 200 && setCookieOf(answer) === '' ? 'allowed' : `HTTP ${answer.status} set-cookie=${JSON.stringify(answer.headers['set-cookie'])}`;
  }
  return `no way to call ${key}`;
}

// ---------------------------------------------------------------------------------------------

let seriesRun: string;

beforeAll(async () => {
  api = await startApiForTest({ LOG_LEVEL: 'warn' });
  pool = new pg.Pool({ connectionString: api.db.url, max: 2 });
  seriesRun = await freshRun('QUEUED');
  actions = serverActions();
  loginWeb = await startWeb(api.url, { sessionSecret: SECRET });
  localWeb = await startWeb(api.url, { serverToken: api.tokens.writer });
  // Sessions as people get them: through the sign-in action, with their own token.
  const signIn = actions.find((a) => a.name === 'signInAction');
  if (!signIn) throw new Error('the build has no signInAction');
  for (const role of ['ADMIN', 'WRITER', 'READER'] as const) {
    const answer = await callAction(loginWeb, signIn, [api.tokens[role.toLowerCase() as 'admin'], '/'], {});
    const cookie = setCookieOf(answer);
    if (!cookie) throw new Error(`signing in as ${role} set no session: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    sessions.set(role, cookie);
  }
  // An AGENT token cannot sign in; a session for it exists only if someone holds the secret.
  const agentAnswer = actionResult(await callAction(loginWeb, signIn, [api.tokens.agent, '/'], {}));
  expect(agentAnswer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  sessions.set('AGENT', await sealData({ token: api.tokens.agent, role: 'AGENT', label: 'it agent' }, { password: SECRET, ttl: 3600 }));
  sessions.set('tampered', sessions.get('ADMIN')!.replace(/\*[^*]{8}/, (m) => m.slice(0, 2) + (m[2] === 'A' ? 'B' : 'A') + m.slice(3)));
}, 180_000);

afterAll(async () => {
  await localWeb?.close();
  await loginWeb?.close();
  await pool?.end();
  await api?.close();
});

describe('dashboard route matrix', () => {
  it('classifies every route handler on disk and every server action of the build, and nothing else', () => {
    const live = [...routeHandlers(), ...actions.map((a) => `action ${a.name}`)].sort();
    expect(live.filter((k) => !(k in ROUTE_MATRIX)), 'routes/actions without a ROUTE_MATRIX entry: classify them').toEqual([]);
    expect(Object.keys(ROUTE_MATRIX).filter((k) => !live.includes(k)), 'ROUTE_MATRIX entries for routes/actions that no longer exist').toEqual([]);
  });

  it('login mode: allows and refuses every route and action for each role’s session, none and a tampered cookie as the matrix says', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const [key, allowed] of Object.entries(ROUTE_MATRIX)) {
      for (const caller of CALLERS) {
        const verdict = await attempt(loginWeb, key, { cookie: sessions.get(caller) }, { runs: seriesRun, series: seriesRun });
        cells++;
        const expected = allowed.includes(caller) ? 'allowed' : 'refused';
        if (verdict !== expected) mismatches.push(`${key} as ${caller}: expected ${expected}, got ${verdict}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(Object.keys(ROUTE_MATRIX).length * CALLERS.length);
  });

  it('marks the session cookie Secure when the request came over https, and always httpOnly and SameSite=Strict', async () => {
    const signIn = actions.find((a) => a.name === 'signInAction')!;
    const attributes = async (proto: 'http' | 'https') => {
      const answer = await callAction(loginWeb, signIn, [api.tokens.reader, '/'], { proto });
      const line = (answer.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
      return line.split(';').slice(1).map((a) => a.trim().toLowerCase()).filter((a) => !/^(expires|max-age)=/.test(a)).sort();
    };
    expect(await attributes('https')).toEqual(['httponly', 'path=/', 'samesite=strict', 'secure']);
    expect(await attributes('http')).toEqual(['httponly', 'path=/', 'samesite=strict']);
  });

  it('local-dev mode: everything answers from loopback (as the WRITER server token), nothing to a rebinding Host/Origin or a foreign Origin', async () => {
    const port = new URL(localWeb.url).port;
    const froms: Record<string, { from: From; expected: Verdict }> = {
      loopback: { from: {}, expected: 'allowed' },
      'loopback with Origin': { from: { origin: localWeb.url }, expected: 'allowed' },
      'rebinding Host/Origin': { from: { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, expected: 'refused' },
      'foreign Origin': { from: { origin: 'https://evil.example' }, expected: 'refused' },
    };
    const mismatches: string[] = [];
    for (const key of Object.keys(ROUTE_MATRIX)) {
      for (const [label, { from, expected }] of Object.entries(froms)) {
        const verdict = await attempt(localWeb, key, from, { runs: seriesRun, series: seriesRun });
        if (verdict !== expected) mismatches.push(`${key} from ${label}: expected ${expected}, got ${verdict}`);
      }
    }
    expect(mismatches).toEqual([]);
    // A refused page view says why.
    const page = await request(localWeb.url, '/runs', { headers: { host: `evil.example:${port}` } });
    expect(page.status).toBe(403);
    expect(page.text).toContain('not loopback');
  });
});
