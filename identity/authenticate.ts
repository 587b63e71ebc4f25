/**
 * `authenticate(ctx)`: who is calling, for ApiRegistry.router. A bearer token (the built-in
 * HS256 access token, or with AUTH=oidc a Keycloak RS256 token), else the `paidan_session`
 * cookie — whose writes must carry the CSRF token in `X-CSRF-Token`. A session whose password
 * expired or was reset may only change the password, read itself and sign out.
 */
import type { Context } from 'koa';
import { DomainError } from '../errors/index.js';
import type { Principal } from '../api/src/http/principal.js';
import type { Authenticate } from '../api/src/http/route.js';
import { principalOf, type SessionStore } from './sessions.js';
import { safeEqual, type TokenSigner } from './tokens.js';
import { normalizeDeviceId, sameDevice } from './device.js';
import type { OidcVerifier } from './oidc.js';

export const sessionCookie = 'paidan_session';
export const csrfCookie = 'paidan_csrf';
export const csrfHeader = 'x-csrf-token';

/** What a change-password-only session may call. */
export const allowedWhilePasswordExpired = new Set(['POST /api/auth/password', 'POST /api/auth/logout', 'GET /api/auth/me']);

/** The session the request was authenticated by (for sign-out and password change). */
export interface RequestSession {
  id: string | null;
  kind: 'bearer' | 'cookie' | 'oidc-bearer';
}

export function requestSession(ctx: Context): RequestSession {
  const session = (ctx.state as { identitySession?: RequestSession }).identitySession;
  if (!session) throw new DomainError('auth.required');
  return session;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAuthenticate(deps: { sessions: SessionStore; signer: TokenSigner; oidc: OidcVerifier | null; changeVersion: () => Promise<string | null> }): Authenticate {
  const { sessions, signer, oidc } = deps;
  return async function authenticate(ctx: Context): Promise<Principal> {
    const version = await deps.changeVersion();
    (ctx.state as Record<string, unknown>).changeVersion = version;
    const header = ctx.get('authorization');
    let principal: Principal;
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new DomainError('auth.required', 'use Authorization: Bearer <token>');
      if (oidc) {
        const identity = await oidc.verify(match[1]);
        if (identity.deviceId && !sameDevice(identity.deviceId, normalizeDeviceId(ctx.get('x-device-id') || null))) {
          throw new DomainError('auth.device_mismatch', 'this account is bound to another device');
        }
        principal = identity.principal;
        (ctx.state as Record<string, unknown>).identitySession = { id: null, kind: 'oidc-bearer' } satisfies RequestSession;
      } else {
        const session = await sessions.forAccessToken(match[1], version);
        principal = principalOf(session);
        (ctx.state as Record<string, unknown>).identitySession = { id: session.id, kind: 'bearer' } satisfies RequestSession;
      }
    } else {
      const cookie = ctx.cookies.get(sessionCookie);
      if (!cookie) throw new DomainError('auth.required');
      const session = await sessions.forCookie(cookie, version);
      if (!safeMethods.has(ctx.method)) {
        const token = ctx.get(csrfHeader);
        if (!token || !safeEqual(token, signer.csrfFor(session.id))) throw new DomainError('auth.csrf', `send the CSRF token in the ${csrfHeader} header`);
      }
      principal = principalOf(session);
      (ctx.state as Record<string, unknown>).identitySession = { id: session.id, kind: 'cookie' } satisfies RequestSession;
    }
    if (principal.mustChangePassword && !allowedWhilePasswordExpired.has(`${ctx.method} ${ctx.path}`)) {
      throw new DomainError('auth.password_expired', 'change your password before anything else (POST /api/auth/password)');
    }
    (ctx.state as Record<string, unknown>).principal = principal;
    return principal;
  };
}
