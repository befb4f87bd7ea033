// Per-token rate limits (issue 18 item 7), with rate-limiter-flexible's in-memory limiter: each
// API replica counts on its own, so N replicas admit N times the configured rate. Kept in memory
// on purpose: a limiter on PostgreSQL would add a write to every request, the metric hot path
// included, on the database the limits are there to protect. Agents get their own, higher rate
// (their ingestion must never be throttled below what training produces); people's tokens share
// another; anonymous callers (local-dev) are counted per client address.
// HTTP: 429 with Retry-After (seconds) and a GraphQL-shaped error. WebSocket: each operation
// counts too, and a refused one gets the same RATE_LIMITED error.
import type express from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from './auth/tokens.js';
import type { ApiConfig } from './env.js';

export interface RateLimitRefusal {
  message: string;
  retryAfterSeconds: number;
}

export interface RateLimits {
  /** Counts one request for the caller; a refusal when over its rate, else null. */
  consume(principal: Principal | null, address: string | undefined): Promise<RateLimitRefusal | null>;
}

export function createRateLimits(config: ApiConfig): RateLimits {
  const window = config.RATE_LIMIT_WINDOW_SECONDS;
  const limiter = (requests: number) => (requests > 0 ? new RateLimiterMemory({ points: requests, duration: window }) : null);
  const people = limiter(config.RATE_LIMIT_REQUESTS);
  const agents = limiter(config.RATE_LIMIT_AGENT_REQUESTS);
  return {
    async consume(principal, address) {
      const agent = principal?.role === 'AGENT';
      const chosen = agent ? agents : people;
      if (!chosen) return null;
      const key = principal?.tokenId ? `token:${principal.tokenId}` : `address:${address ?? 'unknown'}`;
      try {
        await chosen.consume(key);
        return null;
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        const requests = agent ? config.RATE_LIMIT_AGENT_REQUESTS : config.RATE_LIMIT_REQUESTS;
        const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        const who = principal?.tokenId ? `this ${principal.role} token` : 'this address';
        const setting = agent ? 'RATE_LIMIT_AGENT_REQUESTS' : 'RATE_LIMIT_REQUESTS';
        return { message: `rate limit: ${who} may make ${requests} requests per ${window} s (${setting}, RATE_LIMIT_WINDOW_SECONDS); retry after ${retryAfterSeconds} s`, retryAfterSeconds };
      }
    },
  };
}

/**
 * Express middleware: authenticates the caller once (the principal is kept in res.locals for the
 * GraphQL context) and answers 429 over the caller's rate. An unauthenticated caller passes
 * through to be refused by the route, counted by address.
 */
export function rateLimitMiddleware(limits: RateLimits, principalOf: (header: string | undefined) => Promise<Principal | null>): express.RequestHandler {
  return async (req, res, next) => {
    try {
      const principal = await principalOf(req.headers.authorization).catch(() => null);
      res.locals.principal = principal;
      const refusal = await limits.consume(principal, req.socket.remoteAddress);
      if (!refusal) return next();
      res.setHeader('Retry-After', String(refusal.retryAfterSeconds));
      res.status(429).json({ errors: [{ message: refusal.message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: refusal.retryAfterSeconds } }] });
    } catch (error) {
      next(error);
    }
  };
}
