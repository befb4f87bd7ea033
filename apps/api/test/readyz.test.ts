// /readyz tells an anonymous caller whether the API is ready, never the database's raw error text
// (host names, user names, SQL state): that goes to the server's log.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

let t: TestApi;
let admin: pg.Client;
beforeAll(async () => {
  t = await startTestApi();
  // Another database on the same server, to switch the API's database off and on.
  const other = new URL(t.db.url);
  other.pathname = '/postgres';
  admin = new pg.Client({ connectionString: other.toString() });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await t.close();
});

it('answers 503 without the database error when the database refuses connections', async () => {
  const name = new URL(t.db.url).pathname.slice(1);
  await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  try {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    const response = await t.http.get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'database unreachable' });
  } finally {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
  }
});
