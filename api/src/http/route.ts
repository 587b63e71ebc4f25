/**
 * Routes are declared, not just mounted: each declaration names its method, path, who may
 * call it, and ajv schemas for params, query and body. `ApiRegistry` mounts them on Koa with
 * validation and authentication in front of the handler, and builds the OpenAPI 3.1 document
 * from the very same schemas, so the docs cannot drift from the checks.
 */
import type { Context, Middleware } from 'koa';
import { Ajv, type ValidateFunction } from 'ajv';
import { Router } from '@koa/router';
import { ajv, addFormats } from '../validation/ajv.js';
import { unboundedNumbers } from '../validation/bounds.js';
import { DomainError, type FieldError } from '../../../errors/index.js';
import { describeValidationError } from '../../../errors/validation-messages.js';
import type { Principal, Role } from './principal.js';
import { DEFAULT_JSON_LIMIT, PUBLIC_JSON_LIMIT, jsonBodyReader, type JsonBodyReader } from './body.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type JsonSchema = Record<string, unknown>;

export interface ResponseSpec {
  description: string;
  schema?: JsonSchema;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
}

export interface RouteSpec<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  method: HttpMethod;
  /** Koa-style path under /api, e.g. `/cases/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** `public`: no sign-in; `user`: any signed-in user (default); or the roles allowed. */
  access?: 'public' | 'user' | Role[];
  params?: JsonSchema;
  query?: JsonSchema;
  /** A JSON body schema, or `multipart` for uploads (parsed by the handler). */
  body?: JsonSchema | 'multipart';
  /**
   * Largest JSON body (bytes-style `'32mb'`); default the router's (1 MB), 64 KB on public
   * routes. It is read only after sign-in and the role check.
   */
  bodyLimit?: string;
  responses: Record<number, ResponseSpec>;
  /** Record every call in the audit log under this action name (case actions, exports …). */
  audit?: string;
  handler: (ctx: Context, input: RouteInput<P, Q, B>) => Promise<void>;
}

/** Where audited routes are recorded (audit/ provides it). */
export interface AuditRecorder {
  record(entry: { actor: string | null; actorRole?: string | null; ip?: string | null; userAgent?: string | null; action: string; target?: string | null; outcome: 'success' | 'failure' | 'refused'; detail?: Record<string, unknown> | null }): Promise<unknown>;
}

function fieldErrors(validate: ValidateFunction, where: string): FieldError[] {
  return (validate.errors ?? []).map((e) => {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const pointer = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const field = [pointer, missing ?? extra].filter(Boolean).join('.') || where;
    const { zh, en } = describeValidationError(e);
    return { field, message: en, messageZh: zh };
  });
}

/**
 * Path and query values arrive as strings: a second ajv instance coerces them to the schema's
 * types. `1e309` coerces to Infinity, which passes `type: integer`: only a maximum refuses it,
 * hence the bounds every route must have (unboundedNumbers). Not strictNumbers here: with
 * coercion, ajv 8 then lets the string "1e309" through even past a maximum.
 */
const coercingAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: 'array', useDefaults: true });
addFormats(coercingAjv);

/**
 * Who is calling. It also reads the database's change token first of all and leaves it in
 * `ctx.state.changeVersion` (see requestChangeVersion).
 */
export type Authenticate = (ctx: Context) => Promise<Principal>;

/**
 * The database's change token as read at the start of this request, before its session or
 * anything else was read (storage/change-version.ts): answers kept under it stay valid for the
 * request's later reads. `undefined` before authentication, `null` where there is no token.
 */
export function requestChangeVersion(ctx: Context): string | null | undefined {
  return (ctx.state as { changeVersion?: string | null }).changeVersion;
}

export class ApiRegistry {
  readonly routes: RouteSpec<never, never, never>[] = [];

  /** Throws for a route whose params, query or body carry an integer or number without both bounds. */
  add<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    const where = `${spec.method.toUpperCase()} ${spec.path}`;
    const unbounded = [
      ...unboundedNumbers(spec.params, `${where} params`),
      ...unboundedNumbers(spec.query, `${where} query`),
      ...(spec.body === 'multipart' ? [] : unboundedNumbers(spec.body, `${where} body`)),
    ];
    if (unbounded.length > 0) throw new Error(`every integer and number of a route needs a minimum and a maximum (1e309 is Infinity): ${unbounded.join('; ')}`);
    this.routes.push(spec as unknown as RouteSpec<never, never, never>);
  }

  /**
   * Mounts every route on a router under /api with auth → role → params/query → body (read
   * and parsed only now, up to the route's limit) → handler. Nothing before it reads bodies.
   */
  router(authenticate: Authenticate, authorizeRole: (principal: Principal, roles: Role[]) => void, audit?: AuditRecorder, options: { jsonLimit?: string } = {}): Router {
    const router = new Router({ prefix: '/api' });
    const readers = new Map<string, JsonBodyReader>();
    const readerFor = (limit: string) => {
      if (!readers.has(limit)) readers.set(limit, jsonBodyReader(limit));
      return readers.get(limit)!;
    };
    for (const spec of this.routes) {
      const validators = {
        params: spec.params ? coercingAjv.compile(spec.params) : null,
        query: spec.query ? coercingAjv.compile(spec.query) : null,
        body: spec.body && spec.body !== 'multipart' ? ajv.compile(spec.body) : null,
      };
      const readBody = validators.body ? readerFor(spec.bodyLimit ?? (spec.access === 'public' ? PUBLIC_JSON_LIMIT : options.jsonLimit ?? DEFAULT_JSON_LIMIT)) : null;
      const run = async (ctx: Context, principal: Principal) => {
        if (Array.isArray(spec.access)) authorizeRole(principal, spec.access);
        const params = { ...(ctx as unknown as { params: Record<string, string> }).params };
        const query: Record<string, unknown> = { ...ctx.query };
        let body: unknown;
        if (validators.params && !validators.params(params)) throw new DomainError('request.invalid', 'invalid path parameter', { errors: fieldErrors(validators.params, 'params'), field: fieldErrors(validators.params, 'params')[0]?.field });
        if (validators.query && !validators.query(query)) throw new DomainError('request.invalid', 'invalid query parameter', { errors: fieldErrors(validators.query, 'query'), field: fieldErrors(validators.query, 'query')[0]?.field });
        if (validators.body && readBody) {
          if (!ctx.is('json')) throw new DomainError('media.unsupported', 'send the body as application/json');
          body = await readBody(ctx);
          if (!validators.body(body)) {
            const errors = fieldErrors(validators.body, 'body');
            throw new DomainError('request.invalid', `invalid body: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors, field: errors[0]?.field });
          }
        }
        await spec.handler(ctx, { params, query, body, principal } as never);
        return { params, query };
      };
      const middleware: Middleware = async (ctx) => {
        const principal = spec.access === 'public' ? (null as unknown as Principal) : await authenticate(ctx);
        if (!spec.audit || !audit || !principal) {
          await run(ctx, principal);
          return;
        }
        const rawParams = (ctx as unknown as { params: Record<string, string> }).params ?? {};
        const entry = { actor: principal.username, actorRole: principal.role, ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null, action: spec.audit, target: Object.values(rawParams).join('/').slice(0, 160) || null };
        let done: { query: Record<string, unknown> };
        try {
          done = await run(ctx, principal);
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'internal';
          await audit.record({ ...entry, outcome: (error as { status?: number }).status === 403 ? 'refused' : 'failure', detail: { code } });
          throw error;
        }
        await audit.record({ ...entry, outcome: 'success', detail: { status: ctx.status, ...(spec.method === 'get' && Object.keys(done.query).length ? { query: done.query } : {}) } });
      };
      router[spec.method](spec.path, middleware);
    }
    return router;
  }

  /** The OpenAPI 3.1 document of every declared route. */
  openapi(info: { title: string; version: string; description?: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.routes) {
      const oaPath = `/api${spec.path.replace(/:(\w+)/g, '{$1}')}`;
      const parameters: unknown[] = [];
      const paramProps = (spec.params?.properties ?? {}) as Record<string, JsonSchema>;
      for (const [name, schema] of Object.entries(paramProps)) parameters.push({ name, in: 'path', required: true, schema });
      const queryProps = (spec.query?.properties ?? {}) as Record<string, JsonSchema>;
      const requiredQuery = new Set((spec.query?.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(queryProps)) parameters.push({ name, in: 'query', required: requiredQuery.has(name), schema });
      const operation: Record<string, unknown> = {
        summary: spec.summary,
        tags: spec.tags,
        operationId: `${spec.method}${oaPath.replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
        parameters,
        responses: Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, {
          description: r.description,
          ...(r.schema || r.contentType ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema ?? {} } } } : {}),
        }])),
      };
      if (spec.access !== 'public') operation.security = [{ bearer: [] }, { session: [] }];
      if (Array.isArray(spec.access)) operation['x-roles'] = spec.access;
      if (spec.body === 'multipart') operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } } } };
      else if (spec.body) operation.requestBody = { required: true, content: { 'application/json': { schema: spec.body } } };
      paths[oaPath] = { ...(paths[oaPath] ?? {}), [spec.method]: operation };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'paidan_session' },
        },
        schemas: {
          Problem: {
            type: 'object',
            required: ['type', 'title', 'status', 'code'],
            properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' }, field: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
          },
        },
      },
    };
  }
}
