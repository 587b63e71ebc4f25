/**
 * AUTH=oidc sign-in for the web pages: authorization code + PKCE (S256) with openid-client.
 * `start` sends the browser to Keycloak with a fresh state and code verifier kept in a sealed,
 * short-lived cookie; `callback` exchanges the code, verifies the access token like any API
 * token, and opens a cookie session (the same session table and CSRF rules as built-in).
 */
import type { Context } from 'koa';
import * as client from 'openid-client';
import { DomainError } from '../errors/index.js';
import type { AuditLog } from '../audit/index.js';
import { requestOrigin } from '../audit/index.js';
import type { OidcVerifier } from './oidc.js';
import type { IssuedSession, SessionStore } from './sessions.js';
import type { TokenSigner } from './tokens.js';

export const oidcCookie = 'paidan_oidc';

export function createOidcWeb(deps: {
  issuer: string;
  clientId: string;
  redirectUri: string;
  verifier: OidcVerifier;
  sessions: SessionStore;
  signer: TokenSigner;
  audit: AuditLog;
  cookieSecure: boolean;
  /** Sets the session cookies on the response (shared with built-in sign-in). */
  setSessionCookies: (ctx: Context, issued: IssuedSession) => void;
}) {
  let configuration: Promise<client.Configuration> | null = null;
  const config = () => {
    configuration ??= client.discovery(new URL(deps.issuer), deps.clientId, undefined, client.None(), deps.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        configuration = null;
        throw error;
      });
    return configuration;
  };
  const cookiePath = new URL(deps.redirectUri).pathname.replace(/\/[^/]*$/, '') || '/';

  return {
    /** Redirects the browser to the identity provider's sign-in page. */
    async start(ctx: Context, returnTo: string | undefined): Promise<void> {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(await config(), {
        redirect_uri: deps.redirectUri,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      // Lax, not Strict: the browser must send it back on the redirect from the identity provider.
      ctx.cookies.set(oidcCookie, deps.signer.seal({ state, verifier, returnTo: returnTo && /^\/(?!\/)/.test(returnTo) ? returnTo : '/' }, 600), {
        httpOnly: true, sameSite: 'lax', secure: deps.cookieSecure, path: cookiePath, maxAge: 600_000, overwrite: true,
      });
      ctx.redirect(url.href);
    },

    /** Completes the sign-in and sends the browser on with a same-site page load (so the Strict cookie is sent). */
    async callback(ctx: Context): Promise<void> {
      const origin = requestOrigin(ctx);
      const sealed = deps.signer.unseal(ctx.cookies.get(oidcCookie));
      ctx.cookies.set(oidcCookie, '', { httpOnly: true, sameSite: 'lax', secure: deps.cookieSecure, path: cookiePath, maxAge: 0, overwrite: true });
      if (!sealed) throw new DomainError('auth.oidc_failed', 'the sign-in took too long or was started elsewhere: start again');
      const current = new URL(deps.redirectUri);
      current.search = ctx.querystring;
      let accessToken: string;
      try {
        const tokens = await client.authorizationCodeGrant(await config(), current, { pkceCodeVerifier: sealed.verifier, expectedState: sealed.state });
        accessToken = tokens.access_token;
      } catch (error) {
        await deps.audit.record({ actor: null, ...origin, action: 'auth.login', outcome: 'failure', detail: { via: 'oidc', reason: (error as Error).message.slice(0, 200) } });
        throw new DomainError('auth.oidc_failed', 'the identity provider did not confirm the sign-in', { cause: error });
      }
      const identity = await deps.verifier.verify(accessToken);
      const issued = await deps.sessions.create({ ...identity.principal, deviceId: identity.deviceId }, 'cookie', origin);
      await deps.audit.record({ actor: identity.principal.username, actorRole: identity.principal.role, ...origin, action: 'auth.login', target: `user:${identity.principal.username}`, outcome: 'success', detail: { via: 'oidc', kind: 'cookie', session: issued.session.id, subject: identity.subject } });
      deps.setSessionCookies(ctx, issued);
      const to = sealed.returnTo ?? '/';
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}"><title>派单</title><p>已登录 Signed in.</p>`;
    },
  };
}

export type OidcWeb = ReturnType<typeof createOidcWeb>;
