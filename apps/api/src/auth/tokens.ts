// API tokens: `stm_` + 32 random bytes (base64url). Only HMAC-SHA256(pepper, token) is stored;
// the token is shown once at creation.
import crypto from 'node:crypto';
import type { PrismaClient, TokenRole } from '@stratum/db';

export const TOKEN_PREFIX = 'stm_';

export interface Principal {
  tokenId: string | null;
  role: TokenRole;
  /** For AGENT tokens bound to an agent: the only agent they may act as. */
  agentId: string | null;
  label: string;
}

export function generateToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export function hashToken(token: string, pepper: string): string {
  return crypto.createHmac('sha256', pepper).update(token).digest('hex');
}

export class TokenService {
  constructor(private readonly prisma: PrismaClient, private readonly pepper: string) {}

  async create(role: TokenRole, label: string, agentId: string | null = null): Promise<{ id: string; token: string }> {
    const token = generateToken();
    const row = await this.prisma.apiToken.create({
      data: { role, label, agentId, hash: hashToken(token, this.pepper), prefix: token.slice(0, 10) },
    });
    return { id: row.id, token };
  }

  async list() {
    return this.prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, label: true, role: true, prefix: true, agentId: true, createdAt: true, lastUsedAt: true, revokedAt: true } });
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    return result.count > 0;
  }

  /** The principal for a bearer token, or null when it is unknown or revoked. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const row = await this.prisma.apiToken.findUnique({ where: { hash: hashToken(token, this.pepper) } });
    if (!row || row.revokedAt) return null;
    // Last-used is informational: update at most once a minute per token to keep reads cheap.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      void this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    }
    return { tokenId: row.id, role: row.role, agentId: row.agentId, label: row.label };
  }

  async count(): Promise<number> {
    return this.prisma.apiToken.count({ where: { revokedAt: null } });
  }
}
