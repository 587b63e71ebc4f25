/**
 * Who is calling: what the authentication middleware (built-in accounts or Keycloak) puts on
 * `ctx.state.principal`, and the one role check every route goes through.
 */
import { DomainError } from '../../../errors/index.js';

export const roles = ['dispatcher', 'inspector', 'unit-lead', 'officer', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  username: string;
  displayName: string;
  role: Role;
  /** The unit of a unit lead or officer. */
  unitId: string | null;
  /** Candidate groups the user belongs to: the role, and `unit-lead:<unitId>` for a unit lead. */
  groups: string[];
  /** The session allows only changing the password (it expired or was reset). */
  mustChangePassword: boolean;
}

export function groupsFor(role: Role, unitId: string | null): string[] {
  const groups: string[] = [role];
  if (role === 'unit-lead' && unitId) groups.push(`unit-lead:${unitId}`);
  if (unitId) groups.push(`unit:${unitId}`);
  return groups;
}

/** Throws 403 unless the principal has one of the roles. */
export function authorizeRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) throw new DomainError('auth.forbidden', `this needs the role ${allowed.join(' or ')}`);
}
