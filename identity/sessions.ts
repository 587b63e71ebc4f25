/**
 * Sessions: a row per sign-in holding the principal as signed in. Bearer sessions carry a
 * 15-minute access token and a refresh token that rotates on every use (a token presented
 * twice revokes its session: it was stolen or replayed); cookie sessions carry one opaque
 * cookie. Revoking a session ends both at once, because every request checks the row — read
 * again whenever the database's change token (storage/change-version.ts) has moved since it
 * was last read, so a revocation is seen by the very next request; expiry is checked every time.
 */
import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../errors/index.js';
import { groupsFor, type Principal, type Role } from '../api/src/http/principal.js';
import { RefreshTokenEntity, SessionEntity, type SessionKind, type SessionRow } from './entities.js';
import { randomToken, sha256, type TokenSigner } from './tokens.js';
import { findRowByKey } from '../storage/rows.js';

export interface SessionSubject {
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  mustChangePassword: boolean;
  deviceId?: string | null;
}

export interface Origin {
  ip: string | null;
  userAgent: string | null;
}

/** What a client gets when it signs in: tokens for a bearer session, a cookie and CSRF token for a cookie one. */
export interface IssuedSession {
  session: SessionRow;
  accessToken?: string;
  refreshToken?: string;
  expiresIn?: number;
  cookieToken?: string;
  csrfToken?: string;
}

export type RevokeReason = 'logout' | 'password_change' | 'password_reset' | 'lockout' | 'device_rebind' | 'disabled' | 'role_change' | 'refresh_reuse';

export function principalOf(session: SessionRow): Principal {
  return {
    username: session.username,
    displayName: session.displayName,
    role: session.role,
    unitId: session.unitId,
    groups: groupsFor(session.role, session.unitId),
    mustChangePassword: session.mustChangePassword,
  };
}

export function createSessionStore(deps: { dataSource: DataSource; signer: TokenSigner; sessionHours: number; now: () => Date }) {
  const { dataSource: ds, signer, now } = deps;
  const repo = (tx?: EntityManager) => (tx ?? ds.manager).getRepository(SessionEntity);
  const tokens = (tx?: EntityManager) => (tx ?? ds.manager).getRepository(RefreshTokenEntity);
  const active = (s: SessionRow | null): s is SessionRow => !!s && !s.revokedAt && s.expiresAt.getTime() > now().getTime();

  /**
   * Session rows by access token's session id or cookie hash, kept with the change token they
   * were read under and reused while the token is the same (every API request looks its session
   * up; nearly all find it unchanged). Only found rows are kept, at most `maxKnown`.
   */
  const maxKnown = 10_000;
  const known = new Map<string, { version: string; row: SessionRow }>();
  async function lookup(key: string, version: string | null | undefined, read: () => Promise<SessionRow | null>): Promise<SessionRow | null> {
    const hit = version == null ? undefined : known.get(key);
    if (hit && hit.version === version) return hit.row;
    const row = await read();
    known.delete(key);
    if (row && version != null) {
      known.set(key, { version, row });
      if (known.size > maxKnown) known.delete(known.keys().next().value as string);
    }
    return row;
  }

  async function issueRefresh(sessionId: string, tx?: EntityManager): Promise<string> {
    const token = randomToken();
    await tokens(tx).insert({ tokenHash: sha256(token), sessionId, createdAt: now(), usedAt: null });
    return token;
  }

  return {
    async create(subject: SessionSubject, kind: SessionKind, origin: Origin, tx?: EntityManager): Promise<IssuedSession> {
      const createdAt = now();
      const cookieToken = kind === 'cookie' ? randomToken() : undefined;
      const session: SessionRow = {
        id: randomUUID(), username: subject.username, kind, role: subject.role, unitId: subject.unitId, displayName: subject.displayName,
        mustChangePassword: subject.mustChangePassword, deviceId: subject.deviceId ?? null, cookieHash: cookieToken ? sha256(cookieToken) : null,
        ip: origin.ip?.slice(0, 64) ?? null, userAgent: origin.userAgent?.slice(0, 256) ?? null, createdAt,
        expiresAt: new Date(createdAt.getTime() + deps.sessionHours * 3_600_000), revokedAt: null, revokeReason: null,
      };
      await repo(tx).insert(session);
      if (kind === 'cookie') return { session, cookieToken, csrfToken: signer.csrfFor(session.id) };
      return {
        session,
        accessToken: await signer.sign({ sub: session.username, sid: session.id, role: session.role }),
        refreshToken: await issueRefresh(session.id, tx),
        expiresIn: signer.accessSeconds,
      };
    },

    /**
     * The live session an access token names (401 once it is revoked or expired). `version`:
     * the change token read at the start of the request, before anything else (see lookup).
     */
    async forAccessToken(token: string, version?: string | null): Promise<SessionRow> {
      const claims = await signer.verify(token);
      const session = await lookup(`sid:${claims.sid}`, version, () => findRowByKey(ds, SessionEntity, 'id', claims.sid));
      if (!active(session) || session.kind !== 'bearer' || session.username !== claims.sub) throw new DomainError('auth.required', 'the session has ended: sign in again', { reason: 'session_ended' });
      return session;
    },

    async forCookie(cookie: string, version?: string | null): Promise<SessionRow> {
      const hash = sha256(cookie);
      const session = await lookup(`cookie:${hash}`, version, () => findRowByKey(ds, SessionEntity, 'cookieHash', hash));
      if (!active(session) || session.kind !== 'cookie') throw new DomainError('auth.required', 'the session has ended: sign in again', { reason: 'session_ended' });
      return session;
    },

    /**
     * Exchanges a refresh token for a new access and refresh token. A token used before
     * revokes the session (`reused` tells the caller to audit it).
     */
    async refresh(refreshToken: string): Promise<{ issued?: IssuedSession; reused?: SessionRow; session?: SessionRow }> {
      const hash = sha256(refreshToken);
      return ds.transaction(async (tx) => {
        const row = await tokens(tx).findOne({ where: { tokenHash: hash } });
        if (!row) throw new DomainError('auth.required', 'unknown refresh token: sign in again');
        const session = await repo(tx).findOne({ where: { id: row.sessionId } });
        if (row.usedAt) {
          if (session && !session.revokedAt) await repo(tx).update({ id: session.id }, { revokedAt: now(), revokeReason: 'refresh_reuse' });
          return { reused: session ?? undefined };
        }
        if (!active(session)) throw new DomainError('auth.required', 'the session has ended: sign in again', { reason: 'session_ended' });
        const claimed = await tokens(tx).update({ tokenHash: hash, usedAt: IsNull() }, { usedAt: now() });
        if (claimed.affected === 0) throw new DomainError('auth.required', 'the refresh token was just used: sign in again');
        return {
          session,
          issued: {
            session,
            accessToken: await signer.sign({ sub: session.username, sid: session.id, role: session.role }),
            refreshToken: await issueRefresh(session.id, tx),
            expiresIn: signer.accessSeconds,
          },
        };
      });
    },

    async revoke(sessionId: string, reason: RevokeReason, tx?: EntityManager): Promise<void> {
      await repo(tx).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: now(), revokeReason: reason });
    },

    /** Ends every live session of a user; returns how many. */
    async revokeAll(username: string, reason: RevokeReason, tx?: EntityManager): Promise<number> {
      const result = await repo(tx).update({ username, revokedAt: IsNull() }, { revokedAt: now(), revokeReason: reason });
      return result.affected ?? 0;
    },

    /** Deletes sessions and refresh tokens that ended before `before` (run it daily). */
    async purge(before: Date): Promise<number> {
      const old = await repo().createQueryBuilder('s').select('s.id', 'id').where('s.expires_at < :before OR s.revoked_at < :before', { before }).getRawMany<{ id: string }>();
      for (let i = 0; i < old.length; i += 500) {
        const ids = old.slice(i, i + 500).map((r) => r.id);
        await tokens().createQueryBuilder().delete().where('session_id IN (:...ids)', { ids }).execute();
        await repo().createQueryBuilder().delete().where('id IN (:...ids)', { ids }).execute();
      }
      return old.length;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
