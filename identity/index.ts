/**
 * Identity (身份认证): built-in accounts with the bureau's password policy (the embedded
 * default) or Keycloak over OIDC (`AUTH=oidc`). `createIdentity` builds either; its
 * `authenticate` is the first argument of `ApiRegistry.router`, and `registerIdentityRoutes`
 * (routes.ts) declares sign-in, sessions and user administration.
 */
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { AuthConfig } from '../api/src/config.js';
import type { Role } from '../api/src/http/principal.js';
import type { AuditLog } from '../audit/index.js';
import { createAccounts, type DirectoryHook } from './accounts.js';
import { createAuthenticate, csrfCookie, sessionCookie } from './authenticate.js';
import { createOidcVerifier } from './oidc.js';
import { createOidcWeb } from './oidc-web.js';
import { createSessionStore, type IssuedSession } from './sessions.js';
import { createSignIn } from './signin.js';
import { createTokenSigner, loadSessionSecret } from './tokens.js';
import { dummyHash } from './hashing.js';
import { changeVersion } from '../storage/change-version.js';

export interface IdentityConfig {
  auth: AuthConfig;
  dataDir: string;
}

export interface SeedAccount {
  username: string;
  displayName: string;
  mobile: string;
  role: Role;
  unitId: string | null;
  password: string;
}

export function createIdentity(deps: {
  dataSource: DataSource;
  config: IdentityConfig;
  audit: AuditLog;
  now?: () => Date;
  unitExists?: (unitId: string) => Promise<boolean>;
  /** Keeps other folders' directories of people (the units' officers and leads) in step with the accounts. */
  directory?: DirectoryHook;
}) {
  const { dataSource, audit } = deps;
  const auth = deps.config.auth;
  const now = deps.now ?? (() => new Date());
  const signer = createTokenSigner(loadSessionSecret(auth.sessionSecret, deps.config.dataDir), auth.accessTokenMinutes);
  const sessions = createSessionStore({ dataSource, signer, sessionHours: auth.sessionHours, now });
  const accounts = createAccounts({ dataSource, policy: auth.password, audit, sessions, now, unitExists: deps.unitExists, directory: deps.directory });
  const signIn = createSignIn({ dataSource, auth, accounts, sessions, audit, now });
  const oidc = auth.kind === 'oidc' ? createOidcVerifier({ issuer: auth.oidc.issuer!, audience: auth.oidc.audience }) : null;
  void dummyHash(); // made now so the first sign-in is not slower than the rest

  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: auth.cookieSecure, path: '/', overwrite: true };
  function setSessionCookies(ctx: Context, issued: IssuedSession): void {
    const maxAge = issued.session.expiresAt.getTime() - now().getTime();
    ctx.cookies.set(sessionCookie, issued.cookieToken!, { ...cookieOptions, maxAge });
    // Readable by the page's script, which echoes it in X-CSRF-Token (double submit, HMAC-bound to the session).
    ctx.cookies.set(csrfCookie, issued.csrfToken!, { ...cookieOptions, httpOnly: false, maxAge });
  }
  function clearSessionCookies(ctx: Context): void {
    ctx.cookies.set(sessionCookie, '', { ...cookieOptions, maxAge: 0 });
    ctx.cookies.set(csrfCookie, '', { ...cookieOptions, httpOnly: false, maxAge: 0 });
  }

  const oidcWeb = oidc
    ? createOidcWeb({ issuer: auth.oidc.issuer!, clientId: auth.oidc.clientId, redirectUri: auth.oidc.redirectUri, verifier: oidc, sessions, signer, audit, cookieSecure: auth.cookieSecure, setSessionCookies })
    : null;

  return {
    kind: auth.kind,
    config: auth,
    authenticate: createAuthenticate({ sessions, signer, oidc, changeVersion: () => changeVersion(dataSource) }),
    accounts,
    sessions,
    signIn,
    signer,
    oidc,
    oidcWeb,
    audit,
    setSessionCookies,
    clearSessionCookies,

    /** Creates the demo accounts that do not exist yet (built-in mode only; Keycloak has its own users). */
    async seedAccounts(list: SeedAccount[]): Promise<string[]> {
      if (auth.kind !== 'builtin') return [];
      return accounts.seed(list);
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
export { registerIdentityRoutes } from './routes.js';
export { createOidcVerifier, principalFromClaims, rolePriority, type OidcVerifier } from './oidc.js';
export { sessionCookie, csrfCookie, csrfHeader } from './authenticate.js';
export { usernameProblem, normalizeUsername } from './username.js';
export { accountContact, type AccountChange, type DirectoryHook } from './accounts.js';
export { passwordProblems, commonPasswords } from './password-policy.js';
