/**
 * The Koa application: one error middleware (problem+json), security headers, and every
 * route module mounted through the ApiRegistry — which reads a route's JSON body (with its
 * size limit) only after sign-in and the role check, and also serves the OpenAPI 3.1
 * document at /api/openapi.json. A test builds it with its own platform and authentication.
 */
import Koa from 'koa';
import type { Platform } from './platform.js';
import { ApiRegistry, type AuditRecorder, type Authenticate } from './http/route.js';
import { problemMiddleware } from './http/problem.js';
import { conditionalJson } from './http/etag.js';
import { authorizeRole } from './http/principal.js';
import { registerCaseRoutes } from '../../cases/routes.js';
import { registerCaseLocationRoute } from '../../cases/location.js';
import { registerTaskRoutes, type FormOptionsProvider, type ReassignTargets } from '../../tasks/routes.js';
import { createFormCatalog } from '../../forms/index.js';
import { createCaseMessageLinks } from '../../sms/index.js';
import { serveWeb } from '../../web/server/static.js';

export interface AppDeps {
  platform: Platform;
  authenticate: Authenticate;
  /** Options for the forms' selects (people and units); built from the directory of users and units. */
  formOptions: FormOptionsProvider;
  /** Who a task can be reassigned to (转派); from the same directory. */
  reassignTargets: ReassignTargets;
  /** Records the audited routes (case actions, exports). */
  audit?: AuditRecorder;
  /** Route modules contributed by other concepts (identity, admin, SMS …). */
  extraRoutes?: ((registry: ApiRegistry) => void)[];
  /** Largest JSON body accepted where a route does not set its own (default 1 MB; public routes 64 KB). */
  jsonLimit?: string;
  log?: (error: unknown) => void;
  /** The built pages (web/dist) to serve at `/`; none when omitted. */
  webRoot?: string;
  /** Origins the pages may load images from besides their own (the map's tile server). */
  webImageSources?: string[];
  /** Reverse proxies whose X-Forwarded-For entries to believe, from the right (TRUST_PROXY; default 0). */
  trustProxy?: number;
}

export function createApp(deps: AppDeps): { app: Koa; registry: ApiRegistry; idle: (timeoutMs: number) => Promise<void> } {
  const { platform } = deps;
  const registry = new ApiRegistry();
  registerCaseRoutes(registry, { dataSource: platform.dataSource, cases: platform.cases, archive: platform.archive, messages: createCaseMessageLinks(platform.dataSource) });
  registerCaseLocationRoute(registry, {
    dataSource: platform.dataSource, cases: platform.cases, engine: platform.engine, units: platform.unitDirectory, suggestion: { borderToleranceM: platform.config.units.borderToleranceM },
  });
  registerTaskRoutes(registry, { dataSource: platform.dataSource, engine: platform.engine, forms: createFormCatalog(), options: deps.formOptions, reassignTargets: deps.reassignTargets,
    // a completion's photo ids must be photos uploaded to that task
    photoOwners: async (ids) => new Map([...(await platform.photos.getMany(ids))].map(([id, photo]) => [id, photo.taskId])),
  });
  for (const register of deps.extraRoutes ?? []) register(registry);

  registry.add({
    method: 'get', path: '/health', summary: 'liveness and the engine in use', tags: ['system'], access: 'public',
    responses: { 200: { description: 'ok', schema: { type: 'object', properties: { status: { type: 'string' }, engine: { type: 'string' } } } } },
    async handler(ctx) {
      ctx.body = { status: 'ok', engine: platform.engine.kind };
    },
  });
  registry.add({
    method: 'get', path: '/openapi.json', summary: 'this API described in OpenAPI 3.1', tags: ['system'], access: 'public',
    responses: { 200: { description: 'the OpenAPI document' } },
    async handler(ctx) {
      ctx.body = registry.openapi({ title: 'Paidan 派单 API', version: '1.0.0', description: '城管执法派单稽查平台 — cases, tasks, forms, photos, SMS and administration.' });
    },
  });

  // Behind N proxies the client is the Nth address from the right of X-Forwarded-For; what a
  // client wrote further left is its own claim and never believed (maxIpsCount).
  const hops = deps.trustProxy ?? 0;
  const app = new Koa({ proxy: hops > 0, maxIpsCount: hops });
  // requests still being handled, so a stop can let them finish before the database closes
  // (a client that hung up does not end its request's work)
  let inFlight = 0;
  const drained: (() => void)[] = [];
  app.use(async (_ctx, next) => {
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
    }
  });
  const idle = (timeoutMs: number) => new Promise<void>((resolve) => {
    if (inFlight === 0) return resolve();
    const timer = setTimeout(resolve, timeoutMs);
    drained.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  app.use(problemMiddleware(deps.log));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'same-origin');
    if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(conditionalJson());
  // No body parser here: a body is read by its route, after sign-in and the role check (F4).
  if (deps.webRoot) app.use(serveWeb(deps.webRoot, { imgSources: deps.webImageSources }));
  const router = registry.router(deps.authenticate, authorizeRole, deps.audit, { jsonLimit: deps.jsonLimit });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, registry, idle };
}
