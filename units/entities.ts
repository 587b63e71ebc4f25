/**
 * Tables of responsibility: units (责任单位), their officers with duty rosters and last known
 * positions, unit leads, case categories (with default / override units and time limits) and
 * areas (street / grid polygons) with per-category units. A revision row is bumped by every
 * write so each process's in-memory area index knows when to reload.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';
import type { AreaGeometry } from './geometry.js';

export interface UnitRow {
  /** Short code read over the phone, e.g. `U-JD-01`. */
  id: string;
  name: string;
  /** Free classification: `street` (街道中队), `specialist` (专业大队/中队) … */
  kind: string;
  phone: string | null;
  active: boolean;
}

export interface OfficerRow {
  username: string;
  displayName: string;
  unitId: string;
  phone: string | null;
  /** Regular duty days, ISO weekdays 1 (Mon) … 7 (Sun); a roster entry for a date overrides it. */
  dutyWeekdays: number[];
  lastLng: number | null;
  lastLat: number | null;
  lastPositionAt: Date | null;
  active: boolean;
}

export type Shift = 'day' | 'night' | 'full';

export interface RosterRow {
  id: number;
  username: string;
  /** Asia/Shanghai calendar date, `YYYY-MM-DD`. */
  dutyDate: string;
  shift: Shift;
  /** false records leave / a day off on a regular duty day. */
  onDuty: boolean;
}

export interface UnitLeadRow {
  username: string;
  unitId: string;
}

export interface CategoryRow {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Unit used when an area names no unit for the category and has no default unit. */
  defaultUnitId: string | null;
  /** Unit that always takes the category, wherever the case is (e.g. 违法建设 → 规划执法大队). */
  overrideUnitId: string | null;
  timeLimitHours: number;
  active: boolean;
}

export type AreaKind = 'street' | 'grid';

export interface AreaRow {
  id: string;
  name: string;
  kind: AreaKind;
  geometry: AreaGeometry;
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
  defaultUnitId: string | null;
  updatedAt: Date;
}

export interface AreaCategoryUnitRow {
  areaId: string;
  category: string;
  unitId: string;
}

export interface UnitsRevisionRow {
  id: number;
  revision: number;
}

export const UnitEntity = new EntitySchema<UnitRow>({
  name: 'Unit',
  tableName: 'unit',
  columns: {
    id: ecol.key('id', 32),
    name: ecol.string('name', 128),
    kind: ecol.string('kind', 32),
    phone: ecol.string('phone', 32, true),
    active: ecol.bool('active'),
  },
});

export const OfficerEntity = new EntitySchema<OfficerRow>({
  name: 'Officer',
  tableName: 'unit_officer',
  columns: {
    username: ecol.key('username', 128),
    displayName: ecol.string('display_name', 128),
    unitId: ecol.string('unit_id', 32),
    phone: ecol.string('phone', 32, true),
    dutyWeekdays: { ...ecol.json('duty_weekdays', false) },
    lastLng: ecol.double('last_lng'),
    lastLat: ecol.double('last_lat'),
    lastPositionAt: ecol.datetime('last_position_at', true),
    active: ecol.bool('active'),
  },
});

export const RosterEntity = new EntitySchema<RosterRow>({
  name: 'Roster',
  tableName: 'unit_roster',
  columns: {
    id: ecol.id(),
    username: ecol.string('username', 128),
    dutyDate: ecol.string('duty_date', 10),
    shift: ecol.string('shift', 16),
    onDuty: ecol.bool('on_duty'),
  },
});

export const UnitLeadEntity = new EntitySchema<UnitLeadRow>({
  name: 'UnitLead',
  tableName: 'unit_lead',
  columns: {
    username: { ...ecol.string('username', 128), primary: true },
    unitId: { ...ecol.string('unit_id', 32), primary: true },
  },
});

export const CategoryEntity = new EntitySchema<CategoryRow>({
  name: 'Category',
  tableName: 'case_category',
  columns: {
    code: ecol.key('code', 64),
    nameZh: ecol.string('name_zh', 64),
    nameEn: ecol.string('name_en', 128),
    defaultUnitId: ecol.string('default_unit_id', 32, true),
    overrideUnitId: ecol.string('override_unit_id', 32, true),
    timeLimitHours: ecol.int('time_limit_hours'),
    active: ecol.bool('active'),
  },
});

export const AreaEntity = new EntitySchema<AreaRow>({
  name: 'Area',
  tableName: 'area',
  columns: {
    id: ecol.key('id', 64),
    name: ecol.string('name', 128),
    kind: ecol.string('kind', 16),
    geometry: { ...ecol.json('geometry', false) },
    minLng: ecol.double('min_lng', false),
    minLat: ecol.double('min_lat', false),
    maxLng: ecol.double('max_lng', false),
    maxLat: ecol.double('max_lat', false),
    defaultUnitId: ecol.string('default_unit_id', 32, true),
    updatedAt: ecol.datetime('updated_at'),
  },
});

export const AreaCategoryUnitEntity = new EntitySchema<AreaCategoryUnitRow>({
  name: 'AreaCategoryUnit',
  tableName: 'area_category_unit',
  columns: {
    areaId: { ...ecol.string('area_id', 64), primary: true },
    category: { ...ecol.string('category', 64), primary: true },
    unitId: ecol.string('unit_id', 32),
  },
});

export const UnitsRevisionEntity = new EntitySchema<UnitsRevisionRow>({
  name: 'UnitsRevision',
  tableName: 'units_revision',
  columns: {
    id: { ...ecol.int('id'), primary: true },
    revision: ecol.int('revision'),
  },
});

export const unitEntities = [
  UnitEntity, OfficerEntity, RosterEntity, UnitLeadEntity, CategoryEntity, AreaEntity, AreaCategoryUnitEntity, UnitsRevisionEntity,
];
