// HTTP access to the artifact store, mounted at /artifacts:
//   PUT  /artifacts/<sha256>  AGENT (or ADMIN): the body is streamed in, verified against the
//        name and the size limit (ARTIFACT_MAX_BYTES); 201 when stored, 200 when it already was.
//   GET  /artifacts/<sha256>  READER and up, and AGENT (a re-claimed job downloads its checkpoint).
//   HEAD /artifacts/<sha256>  the same, without the body (agents skip uploads the store has).
// Errors are JSON { error: { code, message } } with 400/401/403/404/413/507 as fits.
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import type { TokenRole } from '@stratum/db';
import type { AppServices } from '../context.js';
import { isLoopback } from '../env.js';
import { SHA256_PATTERN } from '../common/artifact-store.js';
import { ArtifactError } from './artifact-error.js';
import { hasRole } from '../auth/roles.js';

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 507: 'INSUFFICIENT_STORAGE' };

async function roleOf(app: AppServices, req: Request): Promise<TokenRole> {
  const header = req.headers.authorization;
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (token) {
    const principal = await app.tokens.authenticate(token);
    if (!principal) throw new HttpError(401, 'UNAUTHENTICATED', 'the API token is unknown or revoked');
    return principal.role;
  }
  if (header) throw new HttpError(401, 'UNAUTHENTICATED', 'malformed Authorization header; expected "Bearer stm_…"');
  if (app.config.STRATUM_LOCAL_DEV && isLoopback(app.config.HOST)) return 'ADMIN';
  throw new HttpError(401, 'UNAUTHENTICATED', 'a valid API token is required (Authorization: Bearer stm_…)');
}

async function authorize(app: AppServices, req: Request, allowed: readonly TokenRole[]): Promise<void> {
  const role = await roleOf(app, req);
  if (!hasRole(role, allowed)) throw new HttpError(403, 'FORBIDDEN', `role ${role} cannot do this; requires ${allowed.join(' or ')}`);
}

function shaParam(req: Request): string {
  const sha = String(req.params.sha256 ?? '');
  if (!SHA256_PATTERN.test(sha)) throw new HttpError(400, 'BAD_REQUEST', 'artifacts are named by their sha256: 64 lowercase hex characters');
  return sha;
}

function sendError(app: AppServices, req: Request, res: Response, error: unknown): void {
  let status = 500;
  let code = 'INTERNAL_SERVER_ERROR';
  let message = 'internal error (logged on the server)';
  if (error instanceof HttpError) {
    ({ status, code, message } = error);
  } else if (error instanceof ArtifactError) {
    status = error.status;
    code = CODES[status] ?? 'BAD_REQUEST';
    message = error.message;
  } else if ((error as NodeJS.ErrnoException)?.code === 'ENOSPC') {
    status = 507;
    code = 'INSUFFICIENT_STORAGE';
    message = 'artifact store is out of disk space; retry later';
  } else if ((error as NodeJS.ErrnoException)?.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
    app.log.error({ err: error as Error, method: req.method, path: req.path }, 'artifact request failed');
  }
  if (status === 507) app.log.warn({ path: req.path }, 'artifact store is out of space');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // An upload refused before its end: close the connection rather than read the rest of it.
  if (req.method === 'PUT' && !req.readableEnded) res.setHeader('Connection', 'close');
  res.status(status).json({ error: { code, message } });
}

export function artifactRouter(app: AppServices): Router {
  const router = express.Router();
  const readers: TokenRole[] = ['READER', 'AGENT'];
  const writers: TokenRole[] = ['AGENT', 'ADMIN'];

  router.put('/:sha256', async (req, res) => {
    try {
      await authorize(app, req, writers);
      const sha = shaParam(req);
      const max = app.config.ARTIFACT_MAX_BYTES;
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > max) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `artifact is ${declared} bytes; the limit is ${max}`);
      // The store reads a pass-through, so a refused upload tears down that stream, not the
      // request socket this handler still has to answer on.
      const body = new PassThrough();
      req.pipe(body);
      try {
        const stored = await app.artifacts.put(sha, body, max);
        res.status(stored.created ? 201 : 200).json(stored);
      } finally {
        req.unpipe(body);
      }
    } catch (error) {
      sendError(app, req, res, error);
    }
  });

  router.head('/:sha256', async (req, res) => {
    try {
      await authorize(app, req, readers);
      const info = await app.artifacts.has(shaParam(req));
      if (!info) return void res.status(404).end();
      res.set({ 'content-type': 'application/octet-stream', 'content-length': String(info.bytes), etag: `"${info.sha256}"` }).status(200).end();
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) app.log.error({ err: error as Error }, 'artifact HEAD failed');
      res.status(status).end();
    }
  });

  router.get('/:sha256', async (req, res) => {
    try {
      await authorize(app, req, readers);
      const sha = shaParam(req);
      const found = await app.artifacts.get(sha);
      if (!found) throw new HttpError(404, 'NOT_FOUND', `artifact ${sha} not found`);
      res.set({
        'content-type': 'application/octet-stream',
        'content-length': String(found.bytes),
        etag: `"${sha}"`,
        'cache-control': 'private, max-age=31536000, immutable',
      });
      await pipeline(found.body, res);
    } catch (error) {
      sendError(app, req, res, error);
    }
  });

  return router;
}
