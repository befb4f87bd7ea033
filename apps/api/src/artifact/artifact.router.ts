// HTTP access to the artifact store, mounted at /artifacts:
//   PUT  /artifacts/<sha256>  AGENT (or ADMIN) holding a job: headers X-Stratum-Job and
//        X-Stratum-Fencing-Token name it (409 LEASE_LOST when the caller does not hold it). The
//        body is streamed in, verified against the name, the size limit (ARTIFACT_MAX_BYTES, 413)
//        and the job's project's quota (ARTIFACT_PROJECT_QUOTA_BYTES, 507); 201 when stored,
//        200 when it already was. Unreferenced uploads are collected later (collect.ts).
//   GET  /artifacts/<sha256>  READER and up, and AGENT (a re-claimed job downloads its checkpoint).
//   HEAD /artifacts/<sha256>  the same, without the body (agents skip uploads the store has).
// Errors are JSON { error: { code, message } } with 400/401/403/404/409/413/507 as fits.
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, type Router } from 'express';
import type { TokenRole } from '@stratum/db';
import type { AppServices } from '../context.js';
import { isLoopback } from '../env.js';
import { SHA256_PATTERN } from '../common/artifact-store.js';
import { ArtifactError } from './artifact-error.js';
import { hasRole } from '../auth/roles.js';
import type { Principal } from '../auth/tokens.js';
import { explainLeaseLoss, fenceFor, type Fence } from '../job/fence.js';
import { quotaError, reserveUpload, settleUpload } from './uploads.js';

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 409: 'LEASE_LOST', 413: 'PAYLOAD_TOO_LARGE', 507: 'INSUFFICIENT_STORAGE' };

async function principalOf(app: AppServices, req: Request): Promise<Principal> {
  const header = req.headers.authorization;
  const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (token) {
    const principal = await app.tokens.authenticate(token);
    if (!principal) throw new HttpError(401, 'UNAUTHENTICATED', 'the API token is unknown or revoked');
    return principal;
  }
  if (header) throw new HttpError(401, 'UNAUTHENTICATED', 'malformed Authorization header; expected "Bearer stm_…"');
  if (app.config.STRATUM_LOCAL_DEV && isLoopback(app.config.HOST)) return { tokenId: null, role: 'ADMIN', agentId: null, label: 'local-dev' };
  throw new HttpError(401, 'UNAUTHENTICATED', 'a valid API token is required (Authorization: Bearer stm_…)');
}

async function authorize(app: AppServices, req: Request, allowed: readonly TokenRole[]): Promise<Principal> {
  const principal = await principalOf(app, req);
  if (!hasRole(principal.role, allowed)) throw new HttpError(403, 'FORBIDDEN', `role ${principal.role} cannot do this; requires ${allowed.join(' or ')}`);
  return principal;
}

/** The job an upload is made under (headers), as a fence; GraphQL-style refusals become HTTP ones. */
function uploadFence(principal: Principal, req: Request): Fence {
  const jobId = req.headers['x-stratum-job'];
  const token = req.headers['x-stratum-fencing-token'];
  if (typeof jobId !== 'string' || typeof token !== 'string') {
    throw new HttpError(400, 'BAD_REQUEST', 'an upload names the job it belongs to: send X-Stratum-Job (the job id) and X-Stratum-Fencing-Token (from claimJob)');
  }
  try {
    return fenceFor(principal, jobId, token);
  } catch (error) {
    const code = (error as { extensions?: { code?: string } }).extensions?.code;
    if (code === 'FORBIDDEN') throw new HttpError(403, 'FORBIDDEN', (error as Error).message);
    throw new HttpError(400, 'BAD_REQUEST', (error as Error).message);
  }
}

/** The fence did not hold: 404 for an unknown job, else 409 LEASE_LOST with the reason. */
async function leaseLost(app: AppServices, fence: Fence): Promise<never> {
  try {
    return await explainLeaseLoss(app, fence);
  } catch (error) {
    const code = (error as { extensions?: { code?: string } }).extensions?.code;
    throw new HttpError(code === 'NOT_FOUND' ? 404 : 409, code === 'NOT_FOUND' ? 'NOT_FOUND' : 'LEASE_LOST', (error as Error).message);
  }
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

/**
 * Reads and drops what is left of a request body, up to `limit` bytes; past that the connection
 * is closed instead (an upload is never longer than its reservation allows).
 */
function discardRest(req: Request, limit: number): void {
  let read = 0;
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > limit) req.socket.destroy();
  });
  req.resume();
}

export function artifactRouter(app: AppServices): Router {
  const router = express.Router();
  const readers: TokenRole[] = ['READER', 'AGENT'];
  const writers: TokenRole[] = ['AGENT', 'ADMIN'];

  router.put('/:sha256', async (req, res) => {
    try {
      const principal = await authorize(app, req, writers);
      const sha = shaParam(req);
      const fence = uploadFence(principal, req);
      const length = Number(req.headers['content-length'] ?? NaN);
      const reservation = await reserveUpload(app, fence, sha, Number.isFinite(length) ? length : null);
      if (!reservation) return await leaseLost(app, fence);
      // The store reads a pass-through, so a refused upload tears down that stream, not the
      // request socket this handler still has to answer on.
      const body = new PassThrough();
      req.pipe(body);
      let storedBytes: number | null = null;
      try {
        const stored = await app.artifacts.put(sha, body, reservation.limit);
        storedBytes = stored.bytes;
        res.status(stored.created ? 201 : 200).json(stored);
      } catch (error) {
        if (error instanceof ArtifactError && error.status === 413 && reservation.byQuota) throw quotaError(app, reservation, sha);
        throw error;
      } finally {
        req.unpipe(body);
        // Already stored: the answer went out before the body was read. Read the rest and drop it,
        // so the connection (often a balancer's, carrying other clients' requests next) stays in step.
        if (storedBytes !== null && !req.readableEnded) discardRest(req, reservation.limit);
        await settleUpload(app, reservation, sha, storedBytes).catch((error: unknown) => app.log.warn({ err: error, sha256: sha }, 'could not settle an artifact upload'));
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
