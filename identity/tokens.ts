/**
 * The built-in access tokens (HS256 JWTs, short-lived, naming their session), the opaque
 * refresh / cookie tokens (random, stored hashed) and the CSRF token (an HMAC of the session
 * id, so it cannot be made without the server's key). Verification pins the algorithm,
 * issuer and audience: `alg: none`, other algorithms and foreign issuers are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { DomainError } from '../errors/index.js';

export const tokenIssuer = 'paidan';
export const tokenAudience = 'paidan-api';

export interface AccessClaims {
  sub: string;
  sid: string;
  role: string;
}

/** The key from SESSION_SECRET, or one generated once into DATA_DIR/session-secret (mode 0600). */
export function loadSessionSecret(configured: string | null, dataDir: string): Uint8Array {
  if (configured) return new TextEncoder().encode(configured);
  const file = path.join(dataDir, 'session-secret');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds a key shorter than 32 characters`);
  return new TextEncoder().encode(secret);
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const randomToken = () => randomBytes(32).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How many verified access tokens are remembered (each page polls with the same token every few seconds). */
const verifiedCapacity = 10_000;

export function createTokenSigner(secret: Uint8Array, accessMinutes: number) {
  // imported once: jose would import a raw secret into a WebCrypto key on every call
  const key = createSecretKey(secret);
  // a token's signature and claims never change, so a verified one is remembered until it
  // expires (the session row is still checked on every request, so revocation stays immediate)
  const verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();
  return {
    accessSeconds: accessMinutes * 60,

    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({ sid: claims.sid, role: claims.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(tokenIssuer)
        .setAudience(tokenAudience)
        .setIssuedAt()
        .setExpirationTime(`${accessMinutes * 60}s`)
        .sign(key);
    },

    /** The verified claims, or a 401 saying what was wrong. */
    async verify(token: string): Promise<AccessClaims> {
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now()) return known.claims;
      if (known) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: tokenIssuer, audience: tokenAudience, clockTolerance: 5 });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.role !== 'string') throw new DomainError('auth.required', 'the access token lacks its claims');
        const claims = { sub: payload.sub, sid: payload.sid, role: payload.role };
        if (typeof payload.exp === 'number') {
          if (verified.size >= verifiedCapacity) verified.delete(verified.keys().next().value as string);
          verified.set(token, { claims, expiresAt: payload.exp * 1000 });
        }
        return claims;
      } catch (error) {
        if (error instanceof DomainError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new DomainError('auth.required', 'the access token has expired: refresh it', { reason: 'token_expired' });
        throw new DomainError('auth.required', 'the access token is not valid', { reason: 'token_invalid' });
      }
    },

    csrfFor(sessionId: string): string {
      return createHmac('sha256', secret).update(`csrf\n${sessionId}`).digest('base64url');
    },

    /** A signed, short-lived value for the OIDC sign-in cookie (state and PKCE verifier). */
    seal(value: Record<string, string>, ttlSeconds: number): string {
      const body = Buffer.from(JSON.stringify({ ...value, exp: Date.now() + ttlSeconds * 1000 })).toString('base64url');
      return `${body}.${createHmac('sha256', secret).update(`seal\n${body}`).digest('base64url')}`;
    },

    unseal(sealed: string | undefined): Record<string, string> | null {
      if (!sealed) return null;
      const [body, mac] = sealed.split('.');
      if (!body || !mac || !safeEqual(mac, createHmac('sha256', secret).update(`seal\n${body}`).digest('base64url'))) return null;
      const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, string> & { exp: number };
      return value.exp > Date.now() ? value : null;
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;
