/**
 * AUTH=oidc: the API accepts Keycloak access tokens verified against the realm's JWKS with
 * the issuer, audience, expiry and algorithm (RS256 only) pinned, and maps the realm roles
 * to the platform's role and the `unit_id` / `device_id` user attributes to unit and device.
 */
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '../errors/index.js';
import { groupsFor, roles, type Principal, type Role } from '../api/src/http/principal.js';
import { normalizeDeviceId } from './device.js';

/** When a user holds several platform roles, the first of these wins. */
export const rolePriority: Role[] = ['admin', 'dispatcher', 'unit-lead', 'inspector', 'officer'];

export interface OidcIdentity {
  principal: Principal;
  subject: string;
  deviceId: string | null;
}

export interface OidcVerifierOptions {
  issuer: string;
  audience: string;
  /** Default: the `jwks_uri` of the issuer's discovery document. */
  jwksUri?: string;
  clockToleranceSeconds?: number;
}

export function principalFromClaims(payload: JWTPayload): { principal: Principal; deviceId: string | null } {
  const realmRoles = ((payload.realm_access as { roles?: unknown } | undefined)?.roles ?? []) as unknown[];
  const held = new Set(realmRoles.filter((r): r is string => typeof r === 'string'));
  const role = rolePriority.find((r) => held.has(r));
  if (!role || !roles.includes(role)) throw new DomainError('auth.forbidden', 'the token carries no role of this platform');
  const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub;
  if (!username) throw new DomainError('auth.required', 'the token names no user');
  const unitId = typeof payload.unit_id === 'string' && payload.unit_id ? payload.unit_id : null;
  const displayName = typeof payload.name === 'string' && payload.name ? payload.name : username;
  const deviceId = typeof payload.device_id === 'string' ? normalizeDeviceId(payload.device_id) : null;
  return { principal: { username, displayName, role, unitId, groups: groupsFor(role, unitId), mustChangePassword: false }, deviceId };
}

export function createOidcVerifier(options: OidcVerifierOptions) {
  const issuer = options.issuer.replace(/\/$/, '');
  let keys: Promise<JWTVerifyGetKey> | null = null;

  async function discover(): Promise<JWTVerifyGetKey> {
    if (options.jwksUri) return createRemoteJWKSet(new URL(options.jwksUri));
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered ${response.status}`);
    const document = (await response.json()) as { issuer?: string; jwks_uri?: string };
    if (document.issuer !== issuer) throw new Error(`OIDC discovery names issuer ${document.issuer}, expected ${issuer}`);
    if (!document.jwks_uri) throw new Error('OIDC discovery has no jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  }

  function jwks(): Promise<JWTVerifyGetKey> {
    keys ??= discover().catch((error: unknown) => {
      keys = null;
      throw error;
    });
    return keys;
  }

  return {
    issuer,

    async verify(token: string): Promise<OidcIdentity> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await jwks(), {
          issuer,
          audience: options.audience,
          algorithms: ['RS256'],
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new DomainError('auth.required', 'the access token has expired', { reason: 'token_expired' });
        if (error instanceof joseErrors.JOSEError) throw new DomainError('auth.required', 'the access token is not valid', { reason: 'token_invalid', cause: error });
        throw new DomainError('auth.required', 'the identity provider cannot be reached to check the token', { reason: 'idp_unreachable', cause: error });
      }
      // Keycloak marks access tokens `typ: Bearer`; refuse ID and refresh tokens replayed as access tokens.
      if (payload.typ !== undefined && payload.typ !== 'Bearer') throw new DomainError('auth.required', `a ${String(payload.typ)} token is not an access token`, { reason: 'token_invalid' });
      const { principal, deviceId } = principalFromClaims(payload);
      return { principal, subject: payload.sub!, deviceId };
    },
  };
}

export type OidcVerifier = ReturnType<typeof createOidcVerifier>;
