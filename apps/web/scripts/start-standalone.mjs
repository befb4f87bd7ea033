#!/usr/bin/env node
// `npm run start -w @stratum/web`: the build is `output: standalone`, which `next start` does not
// serve. Copies the static assets and public files next to the standalone server.js (as the
// Dockerfile does) and runs it; PORT (default 3000) and HOSTNAME (default 127.0.0.1) as Next reads them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.join(webDir, '.next', 'standalone');
const server = path.join(root, 'apps', 'web', 'server.js');
if (!fs.existsSync(server)) {
  process.stderr.write(`no standalone dashboard at ${server}: run \`npm run build\` first\n`);
  process.exit(1);
}
const buildId = fs.readFileSync(path.join(webDir, '.next', 'BUILD_ID'), 'utf8');
const staticDst = path.join(root, 'apps', 'web', '.next', 'static');
const marker = path.join(staticDst, '.build-id');
if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== buildId) {
  fs.rmSync(staticDst, { recursive: true, force: true });
  fs.cpSync(path.join(webDir, '.next', 'static'), staticDst, { recursive: true });
  fs.writeFileSync(marker, buildId);
}
const publicSrc = path.join(webDir, 'public');
if (fs.existsSync(publicSrc)) fs.cpSync(publicSrc, path.join(root, 'apps', 'web', 'public'), { recursive: true });
process.env.HOSTNAME ??= '127.0.0.1';
process.env.NODE_ENV ??= 'production';
await import(pathToFileURL(server).href);
