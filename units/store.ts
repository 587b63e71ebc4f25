/**
 * The units store: the admin's reads and writes of units, officers, rosters, leads, categories
 * and areas, each write in one transaction that also bumps the revision (so area indexes in
 * every process reload), and the bulk read the assignment index is built from.
 */
import { In, type DataSource, type EntityManager } from 'typeorm';
import { DomainError, type FieldError } from '../errors/index.js';
import { isUniqueViolation } from '../storage/unique.js';
import {
  AreaCategoryUnitEntity, AreaEntity, CategoryEntity, OfficerEntity, RosterEntity, UnitEntity, UnitLeadEntity, UnitsRevisionEntity,
  type AreaCategoryUnitRow, type AreaKind, type AreaRow, type CategoryRow, type OfficerRow, type RosterRow, type Shift, type UnitLeadRow, type UnitRow,
} from './entities.js';
import { parseAreaUpload, type AreaDraft } from './area-upload.js';
import type { AreaGeometry, GeometryLimits } from './geometry.js';
import {
  validators, type CategoryInput, type OfficerInput, type PositionInput, type RosterEntryInput, type UnitInput, type UnitLeadInput,
} from './schema.js';
import type { ValidateFunction } from 'ajv';

/** A user account as the officer directory and the unit leads see it (units/ knows no accounts). */
export interface DirectoryPerson {
  username: string;
  displayName: string;
  mobile: string;
  role: string;
  unitId: string | null;
  disabled: boolean;
  /** The role and unit before this change (null: a new account). */
  previous: { role: string; unitId: string | null } | null;
}

/** An area without its geometry (lists). */
export interface AreaSummary {
  id: string;
  name: string;
  kind: AreaKind;
  defaultUnitId: string | null;
  categoryUnits: Record<string, string>;
  bbox: [number, number, number, number];
  updatedAt: Date;
}

export interface AreaDetail extends AreaSummary {
  geometry: AreaGeometry;
}

/** An area as a GeoJSON feature (properties as in an upload, without the category units). */
export interface AreaFeature {
  type: 'Feature';
  id: string;
  geometry: AreaGeometry;
  properties: { id: string; name: string; kind: AreaKind; unitId: string | null };
}

/** What the assignment index is built from: everything, read in one go. */
export interface AssignmentData {
  revision: number;
  units: UnitRow[];
  categories: CategoryRow[];
  areas: (AreaRow & { categoryUnits: Record<string, string> })[];
}

export interface OfficerDuty extends OfficerRow {
  onDuty: boolean;
  /** Shifts on the date (from the roster, or `full` from the regular weekdays). */
  shifts: Shift[];
}

export interface AreaImportResult {
  created: number;
  updated: number;
  removed: number;
  revision: number;
}

/** `YYYY-MM-DD` of an instant in Asia/Shanghai (duty rosters are kept in local dates). */
export function shanghaiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a `YYYY-MM-DD` date. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function check<T>(validate: ValidateFunction, input: unknown, what: string): T {
  if (validate(input)) return input as T;
  const errors: FieldError[] = (validate.errors ?? []).map((e) => ({
    field: [e.instancePath.replace(/^\//, '').replaceAll('/', '.'), (e.params as { missingProperty?: string }).missingProperty].filter(Boolean).join('.') || what,
    message: e.message ?? 'is invalid',
  }));
  throw new DomainError('request.invalid', `invalid ${what}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors });
}

function summary(row: AreaRow, categoryUnits: Record<string, string>): AreaSummary {
  return {
    id: row.id, name: row.name, kind: row.kind, defaultUnitId: row.defaultUnitId, categoryUnits,
    bbox: [row.minLng, row.minLat, row.maxLng, row.maxLat], updatedAt: row.updatedAt,
  };
}

export class UnitStore {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly dataSource: DataSource) {}

  /** Called after every committed write (the directory drops its cached index at once). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async write<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await this.dataSource.manager.transaction(async (m) => {
        const value = await work(m);
        await m.createQueryBuilder().update(UnitsRevisionEntity).set({ revision: () => 'revision + 1' }).where('id = :id', { id: 1 }).execute();
        return value;
      });
    } catch (error) {
      // another writer saved the same key between this write's look-up and its insert
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'saved at the same time by another request, try again', { cause: error });
      throw error;
    }
    for (const listener of this.listeners) listener();
    return result;
  }

  /** Bumped by every write; the assignment index reloads when it changes. */
  async revision(): Promise<number> {
    const row = await this.dataSource.manager.findOneBy(UnitsRevisionEntity, { id: 1 });
    return row?.revision ?? 0;
  }

  // --- units ---------------------------------------------------------------------------------

  async saveUnit(input: UnitInput): Promise<UnitRow> {
    const u = check<UnitInput>(validators.unit, input, 'unit');
    const row: UnitRow = { id: u.id, name: u.name, kind: u.kind ?? 'street', phone: u.phone ?? null, active: u.active ?? true };
    await this.write((m) => m.save(UnitEntity, row));
    return row;
  }

  listUnits(): Promise<UnitRow[]> {
    return this.dataSource.manager.find(UnitEntity, { order: { id: 'ASC' } });
  }

  getUnit(id: string): Promise<UnitRow | null> {
    return this.dataSource.manager.findOneBy(UnitEntity, { id });
  }

  private async requireUnits(m: EntityManager, ids: Iterable<string | null | undefined>, field: string): Promise<void> {
    const wanted = [...new Set([...ids].filter((id): id is string => !!id))];
    if (wanted.length === 0) return;
    const found = new Set((await m.find(UnitEntity, { where: { id: In(wanted) }, select: { id: true } })).map((u) => u.id));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new DomainError('request.invalid', `unknown unit ${missing.join(', ')}`, { field, errors: missing.map((id) => ({ field, message: `unknown unit ${id}`, messageZh: `单位不存在：${id}` })) });
    }
  }

  // --- officers and rosters ------------------------------------------------------------------

  async saveOfficer(input: OfficerInput): Promise<OfficerRow> {
    const o = check<OfficerInput>(validators.officer, input, 'officer');
    return this.write(async (m) => {
      await this.requireUnits(m, [o.unitId], 'unitId');
      const existing = await m.findOneBy(OfficerEntity, { username: o.username });
      const row: OfficerRow = {
        username: o.username, displayName: o.displayName, unitId: o.unitId, phone: o.phone ?? null,
        dutyWeekdays: [...(o.dutyWeekdays ?? existing?.dutyWeekdays ?? [1, 2, 3, 4, 5])].sort(),
        lastLng: existing?.lastLng ?? null, lastLat: existing?.lastLat ?? null, lastPositionAt: existing?.lastPositionAt ?? null,
        active: o.active ?? true,
      };
      await m.save(OfficerEntity, row);
      return row;
    });
  }

  listOfficers(filter: { unitId?: string } = {}): Promise<OfficerRow[]> {
    return this.dataSource.manager.find(OfficerEntity, { where: filter.unitId ? { unitId: filter.unitId } : {}, order: { unitId: 'ASC', username: 'ASC' } });
  }

  getOfficer(username: string): Promise<OfficerRow | null> {
    return this.dataSource.manager.findOneBy(OfficerEntity, { username });
  }

  /** Records an officer's last known position (from the phone); not a revision change. */
  async updateOfficerPosition(username: string, input: PositionInput): Promise<void> {
    const p = check<PositionInput>(validators.position, input, 'position');
    const result = await this.dataSource.manager.update(OfficerEntity, { username }, {
      lastLng: p.lng, lastLat: p.lat, lastPositionAt: p.at ? new Date(p.at) : new Date(),
    });
    if (!result.affected) throw new DomainError('not_found', `no officer ${username}`);
  }

  /** Upserts roster entries by (username, date, shift). */
  async saveRoster(entries: RosterEntryInput[]): Promise<number> {
    const { entries: valid } = check<{ entries: RosterEntryInput[] }>(validators.roster, { entries }, 'roster');
    return this.write(async (m) => {
      const usernames = [...new Set(valid.map((e) => e.username))];
      const known = new Set((await m.find(OfficerEntity, { where: { username: In(usernames) }, select: { username: true } })).map((o) => o.username));
      const errors = valid.flatMap((e, i) => (known.has(e.username) ? [] : [{ field: `entries[${i}].username`, message: `unknown officer ${e.username}`, messageZh: `执法队员不存在：${e.username}` }]));
      if (errors.length > 0) throw new DomainError('request.invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
      for (const e of valid) {
        const shift = e.shift ?? 'full';
        const existing = await m.findOneBy(RosterEntity, { username: e.username, dutyDate: e.date, shift });
        if (existing) await m.update(RosterEntity, { id: existing.id }, { onDuty: e.onDuty ?? true });
        else await m.insert(RosterEntity, { username: e.username, dutyDate: e.date, shift, onDuty: e.onDuty ?? true });
      }
      return valid.length;
    });
  }

  async listRoster(filter: { from: string; to: string; unitId?: string }): Promise<RosterRow[]> {
    const qb = this.dataSource.manager.createQueryBuilder(RosterEntity, 'r')
      .where('r.duty_date >= :from AND r.duty_date <= :to', { from: filter.from, to: filter.to })
      .orderBy('r.duty_date', 'ASC').addOrderBy('r.username', 'ASC');
    if (filter.unitId) qb.andWhere('r.username IN (SELECT o.username FROM unit_officer o WHERE o.unit_id = :unitId)', { unitId: filter.unitId });
    return qb.getMany();
  }

  /** Active officers of a unit with whether they are on duty on `date` (Asia/Shanghai). */
  async officersOnDate(unitId: string, date: string): Promise<OfficerDuty[]> {
    const m = this.dataSource.manager;
    const officers = await m.find(OfficerEntity, { where: { unitId, active: true }, order: { username: 'ASC' } });
    if (officers.length === 0) return [];
    const roster = await m.find(RosterEntity, { where: { dutyDate: date, username: In(officers.map((o) => o.username)) } });
    const weekday = isoWeekday(date);
    return officers.map((o) => {
      const entries = roster.filter((r) => r.username === o.username);
      if (entries.length > 0) {
        const shifts = entries.filter((r) => r.onDuty).map((r) => r.shift);
        return { ...o, onDuty: shifts.length > 0, shifts };
      }
      const regular = o.dutyWeekdays.includes(weekday);
      return { ...o, onDuty: regular, shifts: regular ? ['full'] : [] };
    });
  }

  /**
   * Keeps the officer directory and the unit leads in step with a user account, in the
   * account's own transaction (identity's directory hook, wired by the composition root): an
   * officer account of a unit is that unit's officer (its name, phone and whether it may act
   * follow the account; duty days and positions stay), an account that stops being an officer
   * stays listed but inactive (rosters and history name it), and a unit lead account is listed
   * as its unit's lead — and no longer as the lead of the unit it left.
   */
  async syncAccount(m: EntityManager, person: DirectoryPerson): Promise<void> {
    const existing = await m.findOneBy(OfficerEntity, { username: person.username });
    if (person.role === 'officer' && person.unitId) {
      await this.requireUnits(m, [person.unitId], 'unitId');
      await m.save(OfficerEntity, {
        username: person.username, displayName: person.displayName, unitId: person.unitId, phone: person.mobile || existing?.phone || null,
        dutyWeekdays: existing?.dutyWeekdays ?? [1, 2, 3, 4, 5], lastLng: existing?.lastLng ?? null, lastLat: existing?.lastLat ?? null,
        lastPositionAt: existing?.lastPositionAt ?? null, active: !person.disabled,
      } satisfies OfficerRow);
    } else if (existing?.active) {
      await m.update(OfficerEntity, { username: person.username }, { active: false });
    }
    const before = person.previous;
    if (before?.role === 'unit-lead' && before.unitId && (person.role !== 'unit-lead' || person.unitId !== before.unitId)) {
      await m.delete(UnitLeadEntity, { username: person.username, unitId: before.unitId });
    }
    if (person.role === 'unit-lead' && person.unitId) {
      await this.requireUnits(m, [person.unitId], 'unitId');
      await m.save(UnitLeadEntity, { username: person.username, unitId: person.unitId });
    }
    await m.createQueryBuilder().update(UnitsRevisionEntity).set({ revision: () => 'revision + 1' }).where('id = :id', { id: 1 }).execute();
    // the caller commits; an index rebuilt before that reads the old revision and checks again later
    for (const listener of this.listeners) listener();
  }

  // --- unit leads ----------------------------------------------------------------------------

  async saveUnitLead(input: UnitLeadInput): Promise<UnitLeadRow> {
    const l = check<UnitLeadInput>(validators.unitLead, input, 'unit lead');
    await this.write(async (m) => {
      await this.requireUnits(m, [l.unitId], 'unitId');
      await m.save(UnitLeadEntity, { username: l.username, unitId: l.unitId });
    });
    return { username: l.username, unitId: l.unitId };
  }

  async removeUnitLead(input: UnitLeadInput): Promise<boolean> {
    return this.write(async (m) => ((await m.delete(UnitLeadEntity, { username: input.username, unitId: input.unitId })).affected ?? 0) > 0);
  }

  listUnitLeads(filter: { unitId?: string; username?: string } = {}): Promise<UnitLeadRow[]> {
    const where: Partial<UnitLeadRow> = {};
    if (filter.unitId) where.unitId = filter.unitId;
    if (filter.username) where.username = filter.username;
    return this.dataSource.manager.find(UnitLeadEntity, { where, order: { unitId: 'ASC', username: 'ASC' } });
  }

  // --- categories ----------------------------------------------------------------------------

  async saveCategory(input: CategoryInput): Promise<CategoryRow> {
    const c = check<CategoryInput>(validators.category, input, 'category');
    const row: CategoryRow = {
      code: c.code, nameZh: c.nameZh, nameEn: c.nameEn, defaultUnitId: c.defaultUnitId ?? null, overrideUnitId: c.overrideUnitId ?? null,
      timeLimitHours: c.timeLimitHours, active: c.active ?? true,
    };
    await this.write(async (m) => {
      await this.requireUnits(m, [row.defaultUnitId, row.overrideUnitId], 'defaultUnitId');
      await m.save(CategoryEntity, row);
    });
    return row;
  }

  listCategories(): Promise<CategoryRow[]> {
    return this.dataSource.manager.find(CategoryEntity, { order: { code: 'ASC' } });
  }

  getCategory(code: string): Promise<CategoryRow | null> {
    return this.dataSource.manager.findOneBy(CategoryEntity, { code });
  }

  // --- areas ---------------------------------------------------------------------------------

  /**
   * Validates and saves an uploaded FeatureCollection in one transaction: areas are upserted by
   * id; with `replace`, areas missing from the upload are removed. Nothing is saved when any
   * feature is invalid or names an unknown unit or category.
   */
  async importAreas(upload: unknown, options: { replace?: boolean; limits?: GeometryLimits } = {}): Promise<AreaImportResult> {
    const drafts = parseAreaUpload(upload, options.limits);
    return this.saveAreas(drafts, options.replace ?? false);
  }

  /** Saves already-validated drafts (the seed and benchmarks build them directly). */
  async saveAreas(drafts: AreaDraft[], replace = false): Promise<AreaImportResult> {
    const now = new Date();
    const result = await this.write(async (m) => {
      await this.checkReferences(m, drafts);
      const existing = new Set((await m.find(AreaEntity, { select: { id: true } })).map((a) => a.id));
      const rows: AreaRow[] = drafts.map((d) => ({
        id: d.id, name: d.name, kind: d.kind, geometry: d.geometry, minLng: d.bbox.minX, minLat: d.bbox.minY, maxLng: d.bbox.maxX, maxLat: d.bbox.maxY,
        defaultUnitId: d.defaultUnitId, updatedAt: now,
      }));
      await m.save(AreaEntity, rows, { chunk: 200 });
      const ids = drafts.map((d) => d.id);
      for (let i = 0; i < ids.length; i += 500) await m.delete(AreaCategoryUnitEntity, { areaId: In(ids.slice(i, i + 500)) });
      const mappings: AreaCategoryUnitRow[] = drafts.flatMap((d) => Object.entries(d.categoryUnits).map(([category, unitId]) => ({ areaId: d.id, category, unitId })));
      for (let i = 0; i < mappings.length; i += 500) await m.insert(AreaCategoryUnitEntity, mappings.slice(i, i + 500));
      let removed = 0;
      if (replace) {
        const keep = new Set(ids);
        const gone = [...existing].filter((id) => !keep.has(id));
        for (let i = 0; i < gone.length; i += 500) {
          const chunk = gone.slice(i, i + 500);
          await m.delete(AreaCategoryUnitEntity, { areaId: In(chunk) });
          removed += (await m.delete(AreaEntity, { id: In(chunk) })).affected ?? chunk.length;
        }
      }
      const created = ids.filter((id) => !existing.has(id)).length;
      return { created, updated: ids.length - created, removed };
    });
    return { ...result, revision: await this.revision() };
  }

  private async checkReferences(m: EntityManager, drafts: AreaDraft[]): Promise<void> {
    const units = new Set((await m.find(UnitEntity, { select: { id: true } })).map((u) => u.id));
    const categories = new Set((await m.find(CategoryEntity, { select: { code: true } })).map((c) => c.code));
    const errors: FieldError[] = [];
    drafts.forEach((d, index) => {
      const base = `features[${index}].properties`;
      if (d.defaultUnitId && !units.has(d.defaultUnitId)) errors.push({ field: `${base}.unitId`, message: `feature ${index} (${d.name}): unknown unit ${d.defaultUnitId}`, messageZh: `第 ${index + 1} 个区域（${d.name}）：单位不存在：${d.defaultUnitId}` });
      for (const [category, unitId] of Object.entries(d.categoryUnits)) {
        if (!categories.has(category)) errors.push({ field: `${base}.categoryUnits.${category}`, message: `feature ${index} (${d.name}): unknown category ${category}`, messageZh: `第 ${index + 1} 个区域（${d.name}）：类别不存在：${category}` });
        if (!units.has(unitId)) errors.push({ field: `${base}.categoryUnits.${category}`, message: `feature ${index} (${d.name}): unknown unit ${unitId}`, messageZh: `第 ${index + 1} 个区域（${d.name}）：单位不存在：${unitId}` });
      }
    });
    if (errors.length > 0) {
      const reported = errors.slice(0, 50);
      throw new DomainError('request.invalid', `${errors.length} problem(s) in the area upload, nothing was saved: ${reported.slice(0, 3).map((e) => e.message).join('; ')}`, { errors: reported });
    }
  }

  private async categoryUnitsByArea(m: EntityManager, areaIds?: string[]): Promise<Map<string, Record<string, string>>> {
    const rows = areaIds ? await m.find(AreaCategoryUnitEntity, { where: { areaId: In(areaIds) } }) : await m.find(AreaCategoryUnitEntity);
    const byArea = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const map = byArea.get(r.areaId) ?? {};
      map[r.category] = r.unitId;
      byArea.set(r.areaId, map);
    }
    return byArea;
  }

  async listAreas(): Promise<AreaSummary[]> {
    const m = this.dataSource.manager;
    const rows = await m.find(AreaEntity, {
      select: { id: true, name: true, kind: true, defaultUnitId: true, minLng: true, minLat: true, maxLng: true, maxLat: true, updatedAt: true },
      order: { id: 'ASC' },
    });
    const mapped = await this.categoryUnitsByArea(m);
    return rows.map((r) => summary(r, mapped.get(r.id) ?? {}));
  }

  async getArea(id: string): Promise<AreaDetail | null> {
    const m = this.dataSource.manager;
    const row = await m.findOneBy(AreaEntity, { id });
    if (!row) return null;
    const mapped = await this.categoryUnitsByArea(m, [id]);
    return { ...summary(row, mapped.get(id) ?? {}), geometry: row.geometry };
  }

  /** Every area with its geometry, as GeoJSON features (the admin's and dispatchers' map). */
  async listAreaFeatures(limit = 20_000): Promise<AreaFeature[]> {
    const m = this.dataSource.manager;
    const rows = await m.find(AreaEntity, { order: { id: 'ASC' }, take: limit });
    return rows.map((r) => ({ type: 'Feature', id: r.id, geometry: r.geometry, properties: { id: r.id, name: r.name, kind: r.kind, unitId: r.defaultUnitId } }));
  }

  async deleteArea(id: string): Promise<boolean> {
    return this.write(async (m) => {
      await m.delete(AreaCategoryUnitEntity, { areaId: id });
      return ((await m.delete(AreaEntity, { id })).affected ?? 0) > 0;
    });
  }

  /** Everything the assignment index needs, read consistently with its revision. */
  async loadAssignmentData(): Promise<AssignmentData> {
    return this.dataSource.manager.transaction(async (m) => {
      const revision = (await m.findOneBy(UnitsRevisionEntity, { id: 1 }))?.revision ?? 0;
      const [units, categories, areas, mapped] = [
        await m.find(UnitEntity), await m.find(CategoryEntity), await m.find(AreaEntity), await this.categoryUnitsByArea(m),
      ];
      return { revision, units, categories, areas: areas.map((a) => ({ ...a, categoryUnits: mapped.get(a.id) ?? {} })) };
    });
  }
}

export function createUnitStore(dataSource: DataSource): UnitStore {
  return new UnitStore(dataSource);
}
