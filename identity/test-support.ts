/**
 * For the identity specs: the real Koa stack (problem middleware, JSON body parser,
 * ApiRegistry with the identity routes and a few probe routes) on a fresh test database,
 * listening on a loopback port, and a small fetch client that keeps cookies like a browser.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import Koa from 'koa';
import { loadConfig, type AuthConfig } from '../api/src/config.js';
import { ApiRegistry } from '../api/src/http/route.js';
import { problemMiddleware } from '../api/src/http/problem.js';
import { authorizeRole } from '../api/src/http/principal.js';
import { createAuditLog, registerAuditRoutes, type AuditLog } from '../audit/index.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { createIdentity, registerIdentityRoutes, type Identity } from './index.js';

export const testSecret = 'test-secret-for-identity-specs-0123456789';

export interface TestApp {
  url: string;
  identity: Identity;
  audit: AuditLog;
  db: TestDatabase;
  auth: AuthConfig;
  /** Moves the identity's clock (lockout, expiry) forward. */
  advance(ms: number): void;
  client(ip?: string): TestClient;
  close(): Promise<void>;
}

export type AuthOverrides = Partial<Omit<AuthConfig, 'password' | 'lockout' | 'throttle' | 'oidc'>> & {
  password?: Partial<AuthConfig['password']>;
  lockout?: Partial<AuthConfig['lockout']>;
  throttle?: Partial<AuthConfig['throttle']>;
  oidc?: Partial<AuthConfig['oidc']>;
};

export function testAuthConfig(overrides: AuthOverrides = {}): AuthConfig {
  const base = loadConfig({ NODE_ENV: 'test' }).auth;
  return {
    ...base,
    sessionSecret: testSecret,
    ...overrides,
    password: { ...base.password, ...overrides.password },
    lockout: { ...base.lockout, ...overrides.lockout },
    // Generous by default: most specs sign in many times from one address; the throttle spec narrows it.
    throttle: { burst: 1000, perMinute: 1000, ...overrides.throttle },
    oidc: { ...base.oidc, ...overrides.oidc },
  };
}

export async function startTestApp(overrides: AuthOverrides = {}): Promise<TestApp> {
  // Listen first, so an OIDC redirect URI can name the port.
  const server: Server = await new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = await createTestDatabase();
  const auth = testAuthConfig({ ...overrides, oidc: { redirectUri: `${url}/api/auth/oidc/callback`, ...overrides.oidc } });
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-identity-'));
  const audit = createAuditLog({ dataSource: db.dataSource, now });
  const identity = createIdentity({ dataSource: db.dataSource, config: { auth, dataDir }, audit, now });
  const registry = new ApiRegistry();
  registerIdentityRoutes(registry, { identity });
  registerAuditRoutes(registry, { audit });
  registry.add({
    method: 'get', path: '/probe/me', summary: 'probe: any signed-in user', tags: ['test'],
    responses: { 200: { description: 'the principal' } },
    async handler(ctx, { principal }) {
      ctx.body = principal;
    },
  });
  registry.add({
    method: 'post', path: '/probe/write', summary: 'probe: a write', tags: ['test'], body: { type: 'object' },
    responses: { 200: { description: 'done' } },
    async handler(ctx, { principal }) {
      ctx.body = { wrote: true, by: principal.username };
    },
  });
  registry.add({
    method: 'get', path: '/probe/admin', summary: 'probe: admins only', tags: ['test'], access: ['admin'],
    responses: { 200: { description: 'done' } },
    async handler(ctx) {
      ctx.body = { admin: true };
    },
  });
  // proxy: true so a spec can speak for several client addresses through X-Forwarded-For.
  const app = new Koa({ proxy: true });
  app.use(problemMiddleware(() => undefined));
  const router = registry.router(identity.authenticate, authorizeRole, undefined, { jsonLimit: '100kb' });
  app.use(router.routes());
  app.use(router.allowedMethods());
  server.on('request', app.callback());
  return {
    url, identity, audit, db, auth,
    advance(ms) {
      offset += ms;
    },
    client: (ip?: string) => new TestClient(url, ip),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A fetch client with a cookie jar, a bearer token and an optional client address. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  bearer: string | null = null;
  csrf: string | null = null;

  constructor(readonly baseUrl: string, readonly ip?: string) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const h: Record<string, string> = { 'accept-language': 'en', ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.ip) h['x-forwarded-for'] = this.ip;
    if (this.bearer && !('authorization' in h)) h.authorization = `Bearer ${this.bearer}`;
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    const response = await fetch(`${this.baseUrl}/api${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value.join('=') === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    const text = await response.text();
    const parsed = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown = {}, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  /** Signs in; with `session: 'token'` keeps the access token for later requests. */
  async login(username: string, password: string, extra: Record<string, unknown> = {}): Promise<Reply> {
    const reply = await this.post('/auth/login', { username, password, ...extra });
    if (reply.status === 200) {
      if (typeof reply.body.accessToken === 'string') this.bearer = reply.body.accessToken;
      if (typeof reply.body.csrfToken === 'string') this.csrf = reply.body.csrfToken;
    }
    return reply;
  }
}

/** Creates accounts directly (no forced change), as the demo seed does. */
export async function seedUsers(app: TestApp, users: { username: string; password: string; role?: string; unitId?: string | null; mobile?: string }[]): Promise<void> {
  await app.identity.seedAccounts(users.map((u, i) => ({
    username: u.username, displayName: u.username, mobile: u.mobile ?? `1390000${String(1000 + i).padStart(4, '0')}`,
    role: (u.role ?? 'officer') as never, unitId: u.unitId === undefined ? (u.role && !['officer', 'unit-lead'].includes(u.role) ? null : 'U-1') : u.unitId, password: u.password,
  })));
}
