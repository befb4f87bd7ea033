// Who may do what. Researchers' roles are nested (ADMIN ⊇ WRITER ⊇ READER); AGENT is separate
// and least-privileged: only the agent protocol, only on jobs it holds.
import type { AuthChecker } from 'type-graphql';
import type { TokenRole } from '@stratum/db';
import type { Context } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/codes.js';

const GRANTS: Record<TokenRole, ReadonlySet<TokenRole>> = {
  ADMIN: new Set(['ADMIN', 'WRITER', 'READER']),
  WRITER: new Set(['WRITER', 'READER']),
  READER: new Set(['READER']),
  AGENT: new Set(['AGENT']),
};

export function hasRole(role: TokenRole, required: readonly TokenRole[]): boolean {
  if (required.length === 0) return role !== 'AGENT'; // plain @Authorized(): any researcher role
  return required.some((r) => GRANTS[role].has(r));
}

export const authChecker: AuthChecker<Context, TokenRole> = ({ context }, roles) => {
  if (!context.principal) throw new UnauthenticatedError();
  if (!hasRole(context.principal.role, roles)) {
    throw new ForbiddenError(`role ${context.principal.role} cannot do this; requires ${roles.length ? roles.join(' or ') : 'READER'}`);
  }
  return true;
};
