// Agents: registration (binding an AGENT token to the agent it registers), liveness, listings.
import type { AgentStatus, Prisma } from '@stratum/db';
import type { AppServices } from '../context.js';
import type { Principal } from '../auth/tokens.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../errors/codes.js';
import type { RegisterAgentArgs } from './agent.input.js';
import type { Agent } from './agent.type.js';
import type { Row } from '../common/columns.js';

const MAX_INVENTORY_BYTES = 64 * 1024;

function checkDevices(devices: unknown): Prisma.InputJsonValue {
  const value = devices ?? [];
  if (!Array.isArray(value)) throw new BadInputError('devices must be a JSON list of devices', 'devices');
  if (value.length > 256) throw new BadInputError('devices lists at most 256 devices', 'devices');
  if (JSON.stringify(value).length > MAX_INVENTORY_BYTES) throw new BadInputError(`devices is larger than ${MAX_INVENTORY_BYTES} bytes`, 'devices');
  return value as Prisma.InputJsonValue;
}

/** Labels are a flat object of short scalars, so that requirements can match them with `@>`. */
export function checkLabels(labels: unknown, field = 'labels'): Record<string, string | number | boolean> {
  const value = labels ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadInputError(`${field} must be a JSON object`, field);
  const entries = Object.entries(value);
  if (entries.length > 64) throw new BadInputError(`${field} has more than 64 entries`, field);
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 64) throw new BadInputError(`${field} keys must be 1–64 characters`, field);
    const ok = typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 256);
    if (!ok) throw new BadInputError(`${field}.${k} must be a string (≤ 256 chars), a finite number or a boolean`, field);
  }
  return value as Record<string, string | number | boolean>;
}

export async function registerAgent(app: AppServices, principal: Principal, args: RegisterAgentArgs): Promise<Agent> {
  const devices = checkDevices(args.devices);
  const labels = checkLabels(args.labels);
  const backends = [...new Set(args.backends)];
  const data = { host: args.host, devices, backends, labels, version: args.version ?? null, status: 'ONLINE' as const, lastHeartbeatAt: new Date() };
  return app.prisma.$transaction(async (tx) => {
    if (principal.role === 'AGENT' && principal.agentId) {
      const bound = await tx.agent.findUnique({ where: { id: principal.agentId }, select: { name: true } });
      if (bound && bound.name !== args.name) {
        throw new ForbiddenError(`this token is bound to agent "${bound.name}" and cannot register as "${args.name}"`);
      }
    }
    // The upsert locks the agent row until commit, so two tokens racing for one name serialise here.
    const agent = await tx.agent.upsert({ where: { name: args.name }, create: { name: args.name, ...data }, update: data });
    if (principal.role === 'AGENT') {
      const others = await tx.apiToken.count({ where: { agentId: agent.id, revokedAt: null, NOT: { id: principal.tokenId ?? undefined } } });
      if (others > 0 && principal.agentId !== agent.id) {
        throw new ForbiddenError(`agent "${args.name}" is registered with another token; use that token, or revoke it first`);
      }
      if (!principal.agentId && principal.tokenId) {
        // Least privilege: from now on this token may only act as this agent.
        await tx.apiToken.updateMany({ where: { id: principal.tokenId, agentId: null }, data: { agentId: agent.id } });
      }
    }
    return agent as Agent;
  });
}

/** Liveness + existence in one statement; returns the registered offer for claims without one. */
export async function touchAgent(app: AppServices, agentId: string): Promise<{ backends: string[]; devices: unknown; labels: unknown; status: AgentStatus }> {
  const { rows } = await app.pool.query<Pick<Row<'agents'>, 'backends' | 'devices' | 'labels' | 'status'>>({
    name: 'stratum_touch_agent',
    text: `UPDATE agents SET last_heartbeat_at = now(),
             status = CASE WHEN status IN ('LOST', 'OFFLINE') THEN 'ONLINE'::"AgentStatus" ELSE status END
           WHERE id = $1 RETURNING backends, devices, labels, status::text AS status`,
    values: [agentId],
  });
  const row = rows[0];
  if (!row) throw new NotFoundError('agent', agentId);
  return row;
}

/** An agent says it is draining (SIGTERM) or leaving (OFFLINE), or back ONLINE. */
export async function setAgentStatus(app: AppServices, agentId: string, status: AgentStatus): Promise<Agent> {
  const found = await app.prisma.agent.updateMany({ where: { id: agentId }, data: { status, lastHeartbeatAt: new Date() } });
  if (found.count === 0) throw new NotFoundError('agent', agentId);
  return (await app.prisma.agent.findUniqueOrThrow({ where: { id: agentId } })) as Agent;
}

export async function listAgents(app: AppServices, status: AgentStatus[] | undefined, first: number): Promise<Agent[]> {
  const rows = await app.prisma.agent.findMany({
    where: status?.length ? { status: { in: status } } : {},
    orderBy: [{ name: 'asc' }],
    take: Math.min(first, app.config.MAX_PAGE_SIZE),
  });
  return rows as Agent[];
}

export async function getAgent(app: AppServices, id: string): Promise<Agent | null> {
  return (await app.prisma.agent.findUnique({ where: { id } })) as Agent | null;
}

/** Agents' names by id (null for an unknown id). */
export async function agentNames(app: AppServices, ids: readonly string[]): Promise<Array<string | null>> {
  const { rows } = await app.pool.query<Pick<Row<'agents'>, 'id' | 'name'>>('SELECT id, name FROM agents WHERE id = ANY($1::uuid[])', [ids]);
  const byId = new Map(rows.map((r) => [r.id, r.name]));
  return ids.map((id) => byId.get(id) ?? null);
}
