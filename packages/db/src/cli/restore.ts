#!/usr/bin/env node
// Restore a backup made by stratum-backup into an EMPTY database and an artifact directory, or an
// S3 bucket (--s3-bucket or S3_BUCKET, as for the API).
//   npm run db:restore -- --from BACKUP_DIR --database-url URL --artifact-dir DIR
//   npm run db:restore -- --from BACKUP_DIR --database-url URL --s3-bucket B [--s3-endpoint URL] [--s3-prefix P]
// Verifies the manifest's sha256 sums first; refuses a database that already has tables.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { failureWithoutSecrets, libpqTarget } from './libpq.js';
import pg from 'pg';
import { s3LocationOf, S3_FLAGS, uploadArtifacts } from './s3-artifacts.js';

const { values } = parseArgs({ options: { from: { type: 'string' }, 'database-url': { type: 'string' }, 'artifact-dir': { type: 'string' }, ...S3_FLAGS } });
const s3 = s3LocationOf(values);
const from = values.from;
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
const artifactDir = values['artifact-dir'] ?? process.env.ARTIFACT_DIR ?? '.stratum/artifacts';
if (!from || !databaseUrl) {
  process.stderr.write('usage: stratum-restore --from BACKUP_DIR --database-url URL [--artifact-dir DIR | --s3-bucket B [--s3-endpoint URL] [--s3-region R] [--s3-prefix P]]\n');
  process.exit(2);
}
const manifest = JSON.parse(fs.readFileSync(path.join(from, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
for (const [file, expected] of Object.entries(manifest.files)) {
  const actual = crypto.createHash('sha256').update(fs.readFileSync(path.join(from, file))).digest('hex');
  if (actual !== expected) {
    process.stderr.write(`restore: ${file} is corrupt (sha256 ${actual}, manifest says ${expected})\n`);
    process.exit(1);
  }
}
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const tables = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows[0]?.n ?? 0;
await client.end();
if (tables !== 0) {
  process.stderr.write(`restore: the target database already has ${tables} tables; restore into an empty database\n`);
  process.exit(1);
}
const target = libpqTarget(databaseUrl);
try {
  execFileSync('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--dbname', target.url, path.join(from, 'stratum.dump')], { stdio: ['ignore', 'inherit', 'inherit'], env: target.env });
} catch (error) {
  process.stderr.write(`restore: ${failureWithoutSecrets('pg_restore', error)}\n`);
  process.exit(1);
}
if (s3) {
  const staging = fs.mkdtempSync(path.join(from, '.artifacts-'));
  try {
    execFileSync('tar', ['-C', staging, '-xf', path.join(from, 'artifacts.tar')]);
    const count = await uploadArtifacts(staging, s3);
    process.stdout.write(`restored ${from} into the database and ${count} artifacts into s3://${s3.bucket}/${s3.prefix}\n`);
  } catch (error) {
    process.stderr.write(`restore: writing the S3 artifact store failed: ${(error as Error).message}\n`);
    process.exit(1);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
} else {
  fs.mkdirSync(artifactDir, { recursive: true });
  execFileSync('tar', ['-C', artifactDir, '-xf', path.join(from, 'artifacts.tar')]);
  process.stdout.write(`restored ${from} into the database and ${artifactDir}\n`);
}
