#!/usr/bin/env node
// Back up a Stratum installation: the database (pg_dump, custom format) and the artifact
// store (tar of the directory, or of the S3 bucket's objects), with a manifest of sha256 sums so a
// restore can verify what it got.
//   npm run db:backup -- --database-url URL --artifact-dir DIR --out BACKUP_DIR
//   npm run db:backup -- --database-url URL --s3-bucket B [--s3-endpoint URL] [--s3-prefix P] --out BACKUP_DIR
// (S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_PREFIX are read as the API reads them.)
// pg_dump must be at least the server's major version.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { failureWithoutSecrets, libpqTarget } from './libpq.js';
import { downloadArtifacts, s3LocationOf, S3_FLAGS } from './s3-artifacts.js';

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, 'artifact-dir': { type: 'string' }, out: { type: 'string' }, ...S3_FLAGS } });
const s3 = s3LocationOf(values);
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
const artifactDir = values['artifact-dir'] ?? process.env.ARTIFACT_DIR ?? '.stratum/artifacts';
const out = values.out;
if (!databaseUrl || !out) {
  process.stderr.write('usage: stratum-backup --database-url URL [--artifact-dir DIR | --s3-bucket B [--s3-endpoint URL] [--s3-region R] [--s3-prefix P]] --out BACKUP_DIR\n');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const dump = path.join(out, 'stratum.dump');
const target = libpqTarget(databaseUrl);
try {
  execFileSync('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--file', dump, target.url], { stdio: ['ignore', 'inherit', 'inherit'], env: target.env });
} catch (error) {
  process.stderr.write(`backup: ${failureWithoutSecrets('pg_dump', error)}\n`);
  process.exit(1);
}
const archive = path.join(out, 'artifacts.tar');
if (s3) {
  const staging = fs.mkdtempSync(path.join(out, '.artifacts-'));
  try {
    const count = await downloadArtifacts(s3, staging);
    execFileSync('tar', ['-C', staging, '-cf', archive, '.']);
    process.stdout.write(`${count} artifacts copied from s3://${s3.bucket}/${s3.prefix}\n`);
  } catch (error) {
    process.stderr.write(`backup: reading the S3 artifact store failed: ${(error as Error).message}\n`);
    process.exit(1);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
} else if (fs.existsSync(artifactDir)) execFileSync('tar', ['-C', artifactDir, '-cf', archive, '.']);
else execFileSync('tar', ['-cf', archive, '--files-from', '/dev/null']);
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const manifest = { createdAt: new Date().toISOString(), files: { 'stratum.dump': sha(dump), 'artifacts.tar': sha(archive) } };
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
process.stdout.write(`backup written to ${out}\n`);
