// stratum-backup / stratum-restore hand the database password to pg_dump / pg_restore through
// PGPASSWORD, never on argv (visible in `ps`), and print no password when the tool fails. A stand-in
// pg_dump/pg_restore on PATH records what it was given, then fails.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-libpq-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const bin = path.join(work, 'bin');
fs.mkdirSync(bin);
for (const tool of ['pg_dump', 'pg_restore']) {
  fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\nprintf '%s\\n' "$@" > "${work}/${tool}.argv"\nprintf '%s' "$PGPASSWORD" > "${work}/${tool}.password"\necho "${tool}: connection refused" >&2\nexit 1\n`, { mode: 0o755 });
}
const url = 'postgresql://stratum:s3cret-pw@127.0.0.1:1/stratum';

function cli(name: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, `../src/cli/${name}.ts`), ...args], {
    encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('database credentials of backup and restore', () => {
  it('pg_dump gets the password through PGPASSWORD, not argv, and a failure prints no password', () => {
    const result = cli('backup', ['--database-url', url, '--out', path.join(work, 'out')]);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/pg_dump failed \(exit status 1\)/);
    expect(result.output).not.toContain('s3cret-pw');
    const argv = fs.readFileSync(path.join(work, 'pg_dump.argv'), 'utf8');
    expect(argv).toContain('postgresql://stratum@127.0.0.1:1/stratum');
    expect(argv).not.toContain('s3cret-pw');
    expect(fs.readFileSync(path.join(work, 'pg_dump.password'), 'utf8')).toBe('s3cret-pw');
  });

  it('pg_restore gets the password through PGPASSWORD, not argv, and a failure prints no password', async () => {
    // The restore checks the target is empty first: point it at a real, empty database.
    const { createTestDatabase } = await import('../src/testing/index.js');
    const db = await createTestDatabase('libpq');
    try {
      const from = path.join(work, 'from');
      fs.mkdirSync(from, { recursive: true });
      fs.writeFileSync(path.join(from, 'stratum.dump'), '');
      fs.writeFileSync(path.join(from, 'artifacts.tar'), '');
      fs.writeFileSync(path.join(from, 'manifest.json'), JSON.stringify({ files: {} }));
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      await client.end();
      const withPassword = new URL(db.url);
      withPassword.password = 's3cret-pw';
      const result = cli('restore', ['--from', from, '--database-url', withPassword.toString(), '--artifact-dir', path.join(work, 'restored')]);
      expect(result.output).toMatch(/pg_restore failed \(exit status 1\)/);
      expect(result.output).not.toContain('s3cret-pw');
      expect(fs.readFileSync(path.join(work, 'pg_restore.argv'), 'utf8')).not.toContain('s3cret-pw');
      expect(fs.readFileSync(path.join(work, 'pg_restore.password'), 'utf8')).toBe('s3cret-pw');
    } finally {
      await db.drop();
    }
  });
});
