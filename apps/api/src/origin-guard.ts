// Local-dev mode makes anonymous loopback callers ADMIN, so a browser must not be able to reach it
// from another site: a foreign Host header (DNS rebinding) or a foreign Origin (cross-site
// WebSocket hijacking) is refused. Non-browser clients send no Origin and are accepted.
import type { IncomingMessage } from 'node:http';
import type express from 'express';
import { isLoopback } from './env.js';

/** The hostname of a Host header (`127.0.0.1:4000`, `[::1]:4000`, `localhost`), lower-cased. */
function hostnameOf(host: string): string {
  const bracketed = host.match(/^\[([^\]]+)\]/);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
}

export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && isLoopback(hostnameOf(host));
}

export function isLoopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return isLoopback(new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase());
  } catch {
    return false;
  }
}

/** Why a local-dev request is refused, or null when its Host and Origin are loopback. */
export function localDevRefusal(req: IncomingMessage): string | null {
  if (!isLoopbackHost(req.headers.host)) return `Host ${JSON.stringify(req.headers.host ?? '')} is not loopback; local-dev mode answers only 127.0.0.1, localhost or [::1]`;
  const origin = req.headers.origin;
  if (!isLoopbackOrigin(origin)) return `Origin ${JSON.stringify(origin)} is not loopback; local-dev mode refuses cross-site requests`;
  return null;
}

/** Express middleware: 403 for a non-loopback Host or Origin. */
export function localDevGuard(): express.RequestHandler {
  return (req, res, next) => {
    const refusal = localDevRefusal(req);
    if (!refusal) return next();
    res.status(403).json({ errors: [{ message: refusal, extensions: { code: 'FORBIDDEN' } }] });
  };
}
