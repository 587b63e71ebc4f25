/**
 * The modeler's admin API: the deployed process definitions with their versions and how many
 * open and ended cases run on each, where one version's open cases stand, a version's BPMN XML,
 * the forms for preview, and deploying an edited diagram as a new version (admins only; the
 * engine's deploy refuses an invalid diagram with a DomainError).
 */
import type { DataSource } from 'typeorm';
import type { ApiRegistry } from '../api/src/http/route.js';
import { maxRowId } from '../api/src/validation/bounds.js';
import type { WorkflowEngine } from '../engine/port.js';
import { DomainError } from '../errors/index.js';
import { CaseEntity } from '../cases/entities.js';
import { loadForm } from '../forms/index.js';
import { deployProblems } from '../processes/deploy-check.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const caseProcessId = 'enforcement-case';

const versionSchema = {
  type: 'object',
  properties: {
    key: { type: 'string' }, version: { type: 'integer' }, resourceName: { type: 'string' }, checksum: { type: 'string' },
    deployedAt: { type: 'string', format: 'date-time' },
    running: { type: ['integer', 'null'], description: 'open cases on this version (null when not counted)' },
    closed: { type: ['integer', 'null'], description: 'cases on this version that ended: closed, dismissed or canceled (null when not counted)' },
  },
};
const definitionSchema = {
  type: 'object',
  properties: { bpmnProcessId: { type: 'string' }, name: { type: ['string', 'null'] }, latestVersion: { type: 'integer' }, versions: { type: 'array', items: versionSchema } },
};

const versionCasesSchema = {
  type: 'object',
  properties: {
    version: { type: 'integer' }, open: { type: 'integer' }, closed: { type: 'integer' },
    elements: { type: 'array', items: { type: 'object', properties: { elementId: { type: 'string' }, open: { type: 'integer', description: 'open cases standing at this element now' } } } },
  },
};

export interface ModelerRouteDeps {
  engine: WorkflowEngine;
  /** Counts the open cases per process version; without it `running` is null. */
  dataSource?: DataSource;
  /** Reads a form by id (default: the forms/ folder). */
  loadForm?: (formId: string) => unknown;
}

export function registerModelerRoutes(registry: ApiRegistry, deps: ModelerRouteDeps): void {
  const { engine, dataSource } = deps;

  /** Open and ended (closed, dismissed, canceled) cases per process version. */
  async function casesByVersion(): Promise<Map<number, { open: number; closed: number }> | null> {
    if (!dataSource) return null;
    const rows = await dataSource.getRepository(CaseEntity).createQueryBuilder('c')
      .select('c.process_version', 'version').addSelect("SUM(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END)", 'open').addSelect('COUNT(*)', 'n')
      .groupBy('c.process_version').getRawMany<{ version: number | string; open: number | string | null; n: number | string }>();
    return new Map(rows.map((r) => [Number(r.version), { open: Number(r.open ?? 0), closed: Number(r.n) - Number(r.open ?? 0) }]));
  }

  registry.add({
    method: 'get', path: '/processes', summary: '流程定义 — deployed processes, their versions and the open cases on each', tags: ['processes'], access: ['admin', 'dispatcher'],
    responses: { 200: { description: 'definitions, newest version first', schema: { type: 'array', items: definitionSchema } }, 401: problem, 403: problem },
    async handler(ctx) {
      const [definitions, counts] = await Promise.all([engine.listDefinitions(), casesByVersion()]);
      const byId = new Map<string, typeof definitions>();
      for (const d of definitions) byId.set(d.bpmnProcessId, [...(byId.get(d.bpmnProcessId) ?? []), d]);
      ctx.body = [...byId.entries()].map(([bpmnProcessId, list]) => {
        const versions = [...list].sort((a, b) => b.version - a.version);
        return {
          bpmnProcessId, name: versions[0].name, latestVersion: versions[0].version,
          versions: versions.map((v) => ({
            key: v.key, version: v.version, resourceName: v.resourceName, checksum: v.checksum, deployedAt: v.deployedAt,
            running: counts && bpmnProcessId === caseProcessId ? counts.get(v.version)?.open ?? 0 : null,
            closed: counts && bpmnProcessId === caseProcessId ? counts.get(v.version)?.closed ?? 0 : null,
          })),
        };
      });
    },
  });

  registry.add<{ key: string }, { version?: number }, unknown>({
    method: 'get', path: '/processes/:key/xml', summary: "a process's BPMN XML (the latest version, or `version`)", tags: ['processes'],
    params: { type: 'object', additionalProperties: false, required: ['key'], properties: { key: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,127}$' } } },
    query: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1, maximum: maxRowId } } },
    responses: { 200: { description: 'BPMN 2.0 XML', contentType: 'application/xml' }, 401: problem, 404: problem },
    async handler(ctx, { params, query }) {
      const list = await engine.listDefinitions(params.key);
      const chosen = query.version ? list.find((d) => d.version === query.version) : [...list].sort((a, b) => b.version - a.version)[0];
      if (!chosen) throw new DomainError('process.not_found', `no process ${params.key}${query.version ? ` version ${query.version}` : ''}`);
      ctx.type = 'application/xml';
      ctx.body = await engine.getDefinitionXml(chosen.key);
    },
  });

  registry.add<{ version: number }, Record<string, never>, unknown>({
    method: 'get', path: '/processes/enforcement-case/versions/:version/cases', summary: 'where the open cases of one version stand now: open cases per element (the modeler\'s overlay)', tags: ['processes'], access: ['admin'],
    params: { type: 'object', additionalProperties: false, required: ['version'], properties: { version: { type: 'integer', minimum: 1, maximum: maxRowId } } },
    responses: { 200: { description: 'counts', schema: versionCasesSchema }, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { params }) {
      if (!(await engine.listDefinitions(caseProcessId)).some((d) => d.version === params.version)) throw new DomainError('process.not_found', `no ${caseProcessId} version ${params.version}`);
      const counts = (await casesByVersion())?.get(params.version) ?? { open: 0, closed: 0 };
      const rows = dataSource
        ? await dataSource.getRepository(CaseEntity).createQueryBuilder('c')
          .select('c.current_step', 'elementId').addSelect('COUNT(*)', 'n')
          .where('c.status = :status AND c.process_version = :version', { status: 'open', version: params.version })
          .groupBy('c.current_step').getRawMany<{ elementId: string | null; n: number | string }>()
        : [];
      ctx.body = {
        version: params.version, open: counts.open, closed: counts.closed,
        elements: rows.filter((r) => r.elementId).map((r) => ({ elementId: r.elementId as string, open: Number(r.n) })).sort((a, b) => a.elementId.localeCompare(b.elementId)),
      };
    },
  });

  registry.add<{ formId: string }, Record<string, never>, unknown>({
    method: 'get', path: '/modeler/forms/:formId', summary: "a user task's form-js JSON from forms/, for the modeler's read-only preview", tags: ['processes'], access: ['admin'],
    params: { type: 'object', additionalProperties: false, required: ['formId'], properties: { formId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } } },
    responses: { 200: { description: 'the form-js schema' }, 401: problem, 403: problem, 404: problem },
    async handler(ctx, { params }) {
      ctx.body = (deps.loadForm ?? loadForm)(params.formId);
    },
  });

  registry.add<Record<string, never>, Record<string, never>, { xml: string; name?: string }>({
    method: 'post', path: '/processes', audit: 'process.deploy', summary: '部署 — deploy a BPMN diagram as a new version (running cases stay on theirs)', tags: ['processes'], access: ['admin'],
    body: {
      type: 'object', additionalProperties: false, required: ['xml'],
      properties: { xml: { type: 'string', minLength: 1, maxLength: 2_000_000 }, name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,120}\\.bpmn$' } },
    },
    responses: { 201: { description: 'deployed (or `duplicate`: the same as the latest version)', schema: { type: 'object', properties: { duplicate: { type: 'boolean' }, processes: { type: 'array', items: versionSchema } } } }, 400: problem, 401: problem, 403: problem, 422: problem },
    async handler(ctx, { body }) {
      // bpmnlint, and for enforcement-case the platform's contract: a stub never becomes the latest
      const problems = await deployProblems(body.xml);
      if (problems.length) {
        throw new DomainError('deploy.invalid', `the diagram has ${problems.length} problem(s): ${problems.slice(0, 5).map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
          errors: problems, field: problems[0].field, detailZh: `流程图有 ${problems.length} 处问题，未部署：${problems.slice(0, 3).map((p) => p.messageZh).join('；')}`,
        });
      }
      const result = await engine.deploy([{ name: body.name ?? 'enforcement-case.bpmn', content: body.xml }]);
      ctx.status = 201;
      ctx.body = {
        duplicate: result.duplicate,
        processes: result.processes.map((p) => ({ key: p.key, bpmnProcessId: p.bpmnProcessId, version: p.version, resourceName: p.resourceName, checksum: p.checksum, deployedAt: p.deployedAt })),
      };
    },
  });
}
