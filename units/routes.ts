/**
 * Admin routes for the assignment data: units, officers (with positions and duty rosters),
 * unit leads, case categories and areas (GeoJSON upload validated as a whole: one bad feature
 * refuses the upload and nothing is saved). Reading units, categories and one area is open to
 * every signed-in user (the pages need the names, a case's map its area); writing is for admins.
 */
import type { ApiRegistry } from '../api/src/http/route.js';
import { DomainError } from '../errors/index.js';
import {
  areaCollectionSchema, categoryInputSchema, categoryUpdateSchema, codePattern, officerInputSchema, positionInputSchema, rosterInputSchema, unitInputSchema, unitLeadInputSchema,
  type CategoryInput, type OfficerInput, type PositionInput, type RosterEntryInput, type UnitInput, type UnitLeadInput,
} from './schema.js';
import type { UnitStore } from './store.js';

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const errors = { 400: problem, 401: problem, 403: problem };
const asSchema = (s: unknown) => s as Record<string, unknown>;
const param = (name: string, pattern = '^[A-Za-z0-9._-]{1,64}$') => ({ type: 'object', additionalProperties: false, required: [name], properties: { [name]: { type: 'string', pattern } } });

export function registerUnitRoutes(registry: ApiRegistry, deps: { units: UnitStore }): void {
  const { units } = deps;
  const tags = ['units'];

  registry.add({
    method: 'get', path: '/units', summary: '责任单位 — the responsible units', tags,
    responses: { 200: { description: 'units' }, 401: problem },
    async handler(ctx) {
      ctx.body = await units.listUnits();
    },
  });
  registry.add<Record<string, never>, Record<string, never>, UnitInput>({
    method: 'post', path: '/units', audit: 'unit.save', summary: 'create or update a unit', tags, access: ['admin'], body: asSchema(unitInputSchema),
    responses: { 200: { description: 'the unit' }, ...errors },
    async handler(ctx, { body }) {
      ctx.body = await units.saveUnit(body);
    },
  });

  registry.add<Record<string, never>, { unitId?: string }, unknown>({
    method: 'get', path: '/officers', summary: '执法队员 — officers, optionally of one unit', tags,
    query: { type: 'object', additionalProperties: false, properties: { unitId: { type: 'string', maxLength: 64 } } },
    access: ['admin', 'dispatcher', 'unit-lead'],
    responses: { 200: { description: 'officers' }, ...errors },
    async handler(ctx, { query, principal }) {
      if (principal.role === 'unit-lead' && query.unitId !== principal.unitId) throw new DomainError('auth.forbidden', 'a unit lead sees the officers of their own unit');
      ctx.body = await units.listOfficers({ unitId: query.unitId });
    },
  });
  registry.add<Record<string, never>, Record<string, never>, OfficerInput>({
    method: 'post', path: '/officers', audit: 'officer.save', summary: 'create or update an officer', tags, access: ['admin'], body: asSchema(officerInputSchema),
    responses: { 200: { description: 'the officer' }, ...errors },
    async handler(ctx, { body }) {
      ctx.body = await units.saveOfficer(body);
    },
  });
  registry.add<{ username: string }, Record<string, never>, PositionInput>({
    method: 'put', path: '/officers/:username/position', summary: "report an officer's position (the field client does, for the nearest-officer suggestion)", tags,
    params: param('username', '^[A-Za-z0-9._-]{1,64}$'), body: asSchema(positionInputSchema), access: ['officer', 'admin'],
    responses: { 204: { description: 'recorded' }, ...errors, 404: problem },
    async handler(ctx, { params, body, principal }) {
      if (principal.role === 'officer' && principal.username !== params.username) throw new DomainError('auth.forbidden', 'an officer reports only their own position');
      await units.updateOfficerPosition(params.username, body);
      ctx.status = 204;
    },
  });
  registry.add<Record<string, never>, { from: string; to: string; unitId?: string }, unknown>({
    method: 'get', path: '/rosters', summary: "排班 — duty roster entries between two dates (a unit lead: their own unit's only)", tags, access: ['admin', 'dispatcher', 'unit-lead'],
    query: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, unitId: { type: 'string', maxLength: 64 } } },
    responses: { 200: { description: 'roster entries' }, ...errors },
    async handler(ctx, { query, principal }) {
      // a unit lead sees their own unit's roster only (asked for with or without `unitId`), as with /officers
      if (principal.role === 'unit-lead' && (!principal.unitId || (query.unitId !== undefined && query.unitId !== principal.unitId))) {
        throw new DomainError('auth.forbidden', 'a unit lead sees the roster of their own unit');
      }
      ctx.body = await units.listRoster({ ...query, unitId: principal.role === 'unit-lead' ? principal.unitId ?? undefined : query.unitId });
    },
  });
  registry.add<Record<string, never>, Record<string, never>, { entries: RosterEntryInput[] }>({
    method: 'post', path: '/rosters', audit: 'roster.save', summary: 'add or change duty roster entries', tags, access: ['admin'], body: asSchema(rosterInputSchema),
    responses: { 200: { description: 'how many entries were saved' }, ...errors },
    async handler(ctx, { body }) {
      ctx.body = { saved: await units.saveRoster(body.entries) };
    },
  });
  registry.add<Record<string, never>, { unitId?: string }, unknown>({
    method: 'get', path: '/unit-leads', summary: '单位负责人 — the leads of the units, optionally of one unit', tags, access: ['admin'],
    query: { type: 'object', additionalProperties: false, properties: { unitId: { type: 'string', maxLength: 64 } } },
    responses: { 200: { description: 'leads', schema: { type: 'array', items: { type: 'object', properties: { username: { type: 'string' }, unitId: { type: 'string' } } } } }, ...errors },
    async handler(ctx, { query }) {
      ctx.body = (await units.listUnitLeads({ unitId: query.unitId })).map((l) => ({ username: l.username, unitId: l.unitId }));
    },
  });
  registry.add<{ unitId: string; username: string }, Record<string, never>, unknown>({
    method: 'delete', path: '/unit-leads/:unitId/:username', audit: 'unit-lead.remove', summary: 'a user is no longer a lead of the unit', tags, access: ['admin'],
    params: { type: 'object', additionalProperties: false, required: ['unitId', 'username'], properties: { unitId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' }, username: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' } } },
    responses: { 204: { description: 'removed' }, ...errors, 404: problem },
    async handler(ctx, { params }) {
      if (!(await units.removeUnitLead({ unitId: params.unitId, username: params.username }))) throw new DomainError('not_found', `${params.username} is not a lead of ${params.unitId}`);
      ctx.status = 204;
    },
  });
  registry.add<Record<string, never>, Record<string, never>, UnitLeadInput>({
    method: 'post', path: '/unit-leads', audit: 'unit-lead.save', summary: 'make a user a lead of a unit', tags, access: ['admin'], body: asSchema(unitLeadInputSchema),
    responses: { 200: { description: 'the lead' }, ...errors },
    async handler(ctx, { body }) {
      ctx.body = await units.saveUnitLead(body);
    },
  });

  registry.add({
    method: 'get', path: '/categories', summary: '案件类别 — case categories with their time limits', tags,
    responses: { 200: { description: 'categories' }, 401: problem },
    async handler(ctx) {
      ctx.body = await units.listCategories();
    },
  });
  registry.add<Record<string, never>, Record<string, never>, CategoryInput>({
    method: 'post', path: '/categories', audit: 'category.save', summary: 'create or update a category', tags, access: ['admin'], body: asSchema(categoryInputSchema),
    responses: { 200: { description: 'the category' }, ...errors },
    async handler(ctx, { body }) {
      ctx.body = await units.saveCategory(body);
    },
  });

  registry.add<{ code: string }, Record<string, never>, Omit<CategoryInput, 'code'>>({
    method: 'put', path: '/categories/:code', audit: 'category.update', summary: 'edit an existing category (names, units, time limit, active)', tags, access: ['admin'],
    params: param('code', codePattern), body: asSchema(categoryUpdateSchema),
    responses: { 200: { description: 'the category' }, ...errors, 404: problem },
    async handler(ctx, { params, body }) {
      if (!(await units.getCategory(params.code))) throw new DomainError('not_found', `no category ${params.code}`);
      ctx.body = await units.saveCategory({ ...body, code: params.code });
    },
  });

  registry.add({
    method: 'get', path: '/areas', summary: '单元网格 — the areas (without geometry)', tags, access: ['admin', 'dispatcher'],
    responses: { 200: { description: 'areas' }, ...errors },
    async handler(ctx) {
      ctx.body = await units.listAreas();
    },
  });
  registry.add<Record<string, never>, Record<string, never>, unknown>({
    method: 'get', path: '/areas/geojson', summary: 'every area with its geometry, as a GeoJSON FeatureCollection (for the map)', tags, access: ['admin', 'dispatcher'],
    responses: { 200: { description: 'a GeoJSON FeatureCollection' }, ...errors },
    async handler(ctx) {
      ctx.body = { type: 'FeatureCollection', features: await units.listAreaFeatures() };
    },
  });
  // every signed-in user: field staff see the outline of their case's area on its map
  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/areas/:id', summary: 'one area with its GeoJSON geometry', tags, params: param('id'),
    responses: { 200: { description: 'the area' }, ...errors, 404: problem },
    async handler(ctx, { params }) {
      const area = await units.getArea(params.id);
      if (!area) throw new DomainError('not_found', `no area ${params.id}`);
      ctx.body = area;
    },
  });
  registry.add<Record<string, never>, { replace: boolean }, unknown>({
    method: 'post', path: '/areas', audit: 'area.import', summary: 'upload areas as a GeoJSON FeatureCollection (validated whole; `replace=true` removes areas not in the upload)', tags,
    access: ['admin'], query: { type: 'object', additionalProperties: false, properties: { replace: { type: 'boolean', default: false } } },
    // GeoJSON of a whole district may be large; read only once the caller is known to be an admin
    body: asSchema(areaCollectionSchema), bodyLimit: '32mb',
    responses: { 200: { description: 'created / updated / removed counts' }, ...errors, 413: problem },
    async handler(ctx, { body, query }) {
      ctx.body = await units.importAreas(body, { replace: query.replace });
    },
  });
  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'delete', path: '/areas/:id', summary: 'remove an area', tags, access: ['admin'], params: param('id'),
    responses: { 204: { description: 'removed' }, ...errors, 404: problem },
    async handler(ctx, { params }) {
      if (!(await units.deleteArea(params.id))) throw new DomainError('not_found', `no area ${params.id}`);
      ctx.status = 204;
    },
  });
}
