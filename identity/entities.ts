/**
 * Built-in accounts and their sessions (the embedded default; with AUTH=oidc Keycloak holds
 * the accounts and only web sessions live here). Passwords are argon2id hashes; refresh and
 * cookie tokens are stored only as SHA-256 hashes, so a copy of the database signs no one in.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';
import type { Role } from '../api/src/http/principal.js';

export interface AccountRow {
  /** NFKC-normalized, lower-case: the one key that makes names case-insensitively unique. */
  username: string;
  displayName: string;
  mobile: string;
  role: Role;
  unitId: string | null;
  passwordHash: string;
  passwordChangedAt: Date;
  mustChangePassword: boolean;
  /** The last N hashes (newest first), so an old password cannot come back. */
  passwordHistory: string[];
  failedCount: number;
  lockedUntil: Date | null;
  disabled: boolean;
  /** Normalized device identity (IMSI, IMEI or ESN/MEID, upper-case hex digits). */
  boundDeviceId: string | null;
  requireDeviceBinding: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type SessionKind = 'bearer' | 'cookie';

export interface SessionRow {
  id: string;
  username: string;
  kind: SessionKind;
  /** The principal as it was at sign-in (sessions are revoked when the account changes). */
  role: Role;
  unitId: string | null;
  displayName: string;
  mustChangePassword: boolean;
  deviceId: string | null;
  /** SHA-256 of the cookie value (cookie sessions only). */
  cookieHash: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
}

export interface RefreshTokenRow {
  /** SHA-256 of the opaque refresh token. */
  tokenHash: string;
  sessionId: string;
  createdAt: Date;
  /** Set when the token was exchanged; presenting it again revokes the whole session. */
  usedAt: Date | null;
}

export const AccountEntity = new EntitySchema<AccountRow>({
  name: 'IdentityAccount',
  tableName: 'identity_account',
  columns: {
    username: ecol.key('username', 64),
    displayName: ecol.string('display_name', 64),
    mobile: ecol.string('mobile', 20),
    role: ecol.string('role', 16) as never,
    unitId: ecol.string('unit_id', 32, true),
    passwordHash: ecol.string('password_hash', 255),
    passwordChangedAt: ecol.datetime('password_changed_at'),
    mustChangePassword: ecol.bool('must_change_password'),
    passwordHistory: { ...ecol.json('password_history', false) } as never,
    failedCount: ecol.int('failed_count'),
    lockedUntil: ecol.datetime('locked_until', true),
    disabled: ecol.bool('disabled'),
    boundDeviceId: ecol.string('bound_device_id', 32, true),
    requireDeviceBinding: ecol.bool('require_device_binding'),
    createdAt: ecol.datetime('created_at'),
    updatedAt: ecol.datetime('updated_at'),
  },
});

export const SessionEntity = new EntitySchema<SessionRow>({
  name: 'IdentitySession',
  tableName: 'identity_session',
  columns: {
    id: ecol.key('id', 36),
    username: ecol.string('username', 128),
    kind: ecol.string('kind', 8) as never,
    role: ecol.string('role', 16) as never,
    unitId: ecol.string('unit_id', 32, true),
    displayName: ecol.string('display_name', 64),
    mustChangePassword: ecol.bool('must_change_password'),
    deviceId: ecol.string('device_id', 32, true),
    cookieHash: ecol.string('cookie_hash', 64, true),
    ip: ecol.string('ip', 64, true),
    userAgent: ecol.string('user_agent', 256, true),
    createdAt: ecol.datetime('created_at'),
    expiresAt: ecol.datetime('expires_at'),
    revokedAt: ecol.datetime('revoked_at', true),
    revokeReason: ecol.string('revoke_reason', 32, true),
  },
});

export const RefreshTokenEntity = new EntitySchema<RefreshTokenRow>({
  name: 'IdentityRefreshToken',
  tableName: 'identity_refresh_token',
  columns: {
    tokenHash: ecol.key('token_hash', 64),
    sessionId: ecol.string('session_id', 36),
    createdAt: ecol.datetime('created_at'),
    usedAt: ecol.datetime('used_at', true),
  },
});

/**
 * Lockout counters of names that have no usable account (unknown or disabled), so such a name
 * locks after as many failures as a real account and stays locked across a restart just the
 * same. Keyed by the SHA-256 of the normalized name; at most a bounded number of rows.
 */
export interface NameLockoutRow {
  nameHash: string;
  failedCount: number;
  lockedUntil: Date | null;
  updatedAt: Date;
}

export const NameLockoutEntity = new EntitySchema<NameLockoutRow>({
  name: 'IdentityNameLockout',
  tableName: 'identity_name_lockout',
  columns: {
    nameHash: ecol.key('name_hash', 64),
    failedCount: ecol.int('failed_count'),
    lockedUntil: ecol.datetime('locked_until', true),
    updatedAt: ecol.datetime('updated_at'),
  },
});

export const identityEntities = [AccountEntity, SessionEntity, RefreshTokenEntity, NameLockoutEntity];
