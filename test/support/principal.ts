/** A signed-in principal for tests that call the query layer directly (no HTTP sign-in). */
import { groupsFor, type Principal, type Role } from '../../api/src/http/principal.js';

export function testPrincipal(username: string, role: Role, unitId: string | null = null): Principal {
  return { username, displayName: username, role, unitId, groups: groupsFor(role, unitId), mustChangePassword: false };
}
