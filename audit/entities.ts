/**
 * The audit log (审计日志): an append-only, SHA-256 hash-chained record of who did what, when
 * and from where — sign-ins, lockouts, password and binding changes, admin actions, case
 * actions and exports. Each entry's hash covers its content and the previous entry's hash,
 * so an entry edited or removed in the database breaks the chain that `verify` recomputes.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export type AuditOutcome = 'success' | 'failure' | 'refused';

export interface AuditEntryRow {
  seq: number;
  at: Date;
  /** Username of who acted (null: anonymous, e.g. a sign-in for a name that does not exist). */
  actor: string | null;
  actorRole: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Dotted action name, e.g. `auth.login`, `user.disable`, `case.dispatch`, `export.cases`. */
  action: string;
  /** What was acted on, e.g. `user:zhangsan`, `case:ZF-20261124-0001`. */
  target: string | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditHeadRow {
  id: number;
  seq: number;
  lastHash: string;
}

export const AuditEntryEntity = new EntitySchema<AuditEntryRow>({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  columns: {
    seq: { ...ecol.int('seq'), primary: true },
    at: ecol.datetime('at'),
    actor: ecol.string('actor', 128, true),
    actorRole: ecol.string('actor_role', 32, true),
    ip: ecol.string('ip', 64, true),
    userAgent: ecol.string('user_agent', 256, true),
    action: ecol.string('action', 64),
    target: ecol.string('target', 160, true),
    outcome: ecol.string('outcome', 16),
    detail: ecol.json('detail'),
    prevHash: ecol.string('prev_hash', 64),
    hash: ecol.string('hash', 64),
  },
});

export const AuditHeadEntity = new EntitySchema<AuditHeadRow>({
  name: 'AuditHead',
  tableName: 'audit_head',
  columns: {
    id: { ...ecol.int('id'), primary: true },
    seq: ecol.int('seq'),
    lastHash: ecol.string('last_hash', 64),
  },
});

export const auditEntities = [AuditEntryEntity, AuditHeadEntity];
