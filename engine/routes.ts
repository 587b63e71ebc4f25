/**
 * Admin routes of the engine: incidents (a job that failed after its last retry, or a business
 * error no boundary event catches) and retrying them; and the archive chain's verification.
 */
import type { ApiRegistry } from '../api/src/http/route.js';
import type { Archive } from '../archive/index.js';
import type { WorkflowEngine } from './port.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };

export function registerEngineAdminRoutes(registry: ApiRegistry, deps: { engine: WorkflowEngine; archive: Archive }): void {
  const { engine, archive } = deps;

  registry.add<Record<string, never>, { state?: 'active' | 'resolved' }, unknown>({
    method: 'get', path: '/incidents', summary: '流程异常 — incidents raised by jobs that could not complete', tags: ['admin'], access: ['admin'],
    query: { type: 'object', additionalProperties: false, properties: { state: { type: 'string', enum: ['active', 'resolved'] } } },
    responses: { 200: { description: 'incidents, newest first' }, 401: problem, 403: problem },
    async handler(ctx, { query }) {
      ctx.body = await engine.listIncidents({ state: query.state });
    },
  });

  registry.add<{ key: string }, Record<string, never>, unknown>({
    method: 'post', path: '/incidents/:key/retry', audit: 'incident.retry', summary: 'retry the failed job of an incident (after fixing its cause)', tags: ['admin'], access: ['admin'],
    params: { type: 'object', additionalProperties: false, required: ['key'], properties: { key: { type: 'string', minLength: 1, maxLength: 64 } } },
    responses: { 204: { description: 'the job runs again' }, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { params }) {
      await engine.retryIncident(params.key);
      ctx.status = 204;
    },
  });

  registry.add({
    method: 'get', path: '/archive/verify', summary: '归档校验 — recompute the archive hash chain and compare it with the live records', tags: ['admin'], access: ['admin'],
    responses: { 200: { description: '{ ok, entries, lastHash, problems }' }, 401: problem, 403: problem },
    async handler(ctx) {
      ctx.body = await archive.verify();
    },
  });
}
