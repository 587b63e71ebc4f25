/**
 * Checks an uploaded GeoJSON FeatureCollection of areas and turns it into area drafts, or
 * refuses it whole with every problem named by feature index (never a partial import).
 */
import { createHash } from 'node:crypto';
import { DomainError, type FieldError } from '../errors/index.js';
import { describeValidationError } from '../errors/validation-messages.js';
import { bboxOf, validateGeometry, type AreaGeometry, type BBox, type GeometryLimits } from './geometry.js';
import { validators, type AreaFeatureProperties } from './schema.js';
import type { AreaKind } from './entities.js';

export interface AreaDraft {
  id: string;
  name: string;
  kind: AreaKind;
  geometry: AreaGeometry;
  bbox: BBox;
  defaultUnitId: string | null;
  categoryUnits: Record<string, string>;
}

/** At most this many problems are reported for one upload. */
const MAX_REPORTED = 50;

function ajvField(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  let field = '';
  for (const part of parts) field += /^\d+$/.test(part) ? `[${part}]` : field ? `.${part}` : part;
  if (missing) field += field ? `.${missing}` : missing;
  return field || '/';
}

/** A stable id for a feature without one, so uploading the same file again updates, not duplicates. */
export function areaIdFor(name: string): string {
  return `A-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
}

/**
 * Parses and validates the upload. Throws `request.invalid` with `errors` (field paths like
 * `features[3].geometry.coordinates[0]`) when anything is wrong.
 */
export function parseAreaUpload(input: unknown, limits: GeometryLimits = {}): AreaDraft[] {
  const validate = validators.areaCollection;
  if (!validate(input)) {
    const errors: FieldError[] = (validate.errors ?? []).slice(0, MAX_REPORTED).map((e) => {
      const { zh, en } = describeValidationError(e);
      return { field: ajvField(e.instancePath, (e.params as { missingProperty?: string }).missingProperty), message: en, messageZh: zh };
    });
    throw new DomainError('request.invalid', `the area upload is not a valid FeatureCollection: ${describe(errors)}`, { errors });
  }
  const features = (input as { features: { id?: string | number; geometry: unknown; properties: AreaFeatureProperties }[] }).features;
  const errors: FieldError[] = [];
  const drafts: AreaDraft[] = [];
  const seen = new Map<string, number>();
  features.forEach((feature, index) => {
    const base = `features[${index}]`;
    const props = feature.properties;
    const problems = validateGeometry(feature.geometry, limits, `${base}.geometry`);
    for (const p of problems) errors.push({ field: p.path, message: `feature ${index} (${props.name}): ${p.message}`, messageZh: `第 ${index + 1} 个区域（${props.name}）的边界不正确：${geometryProblemZh(p.message)}` });
    const id = props.id ?? (feature.id !== undefined ? String(feature.id) : areaIdFor(props.name));
    const previous = seen.get(id);
    if (previous !== undefined) {
      errors.push({ field: `${base}.properties.id`, message: `feature ${index} (${props.name}): area id ${id} is already used by feature ${previous}`, messageZh: `第 ${index + 1} 个区域（${props.name}）：编号 ${id} 与第 ${previous + 1} 个区域重复` });
    }
    seen.set(id, index);
    if (problems.length === 0) {
      const geometry = feature.geometry as AreaGeometry;
      drafts.push({
        id, name: props.name, kind: props.kind ?? 'grid', geometry: normalize(geometry), bbox: bboxOf(geometry),
        defaultUnitId: props.unitId, categoryUnits: props.categoryUnits ?? {},
      });
    }
  });
  if (errors.length > 0) {
    const reported = errors.slice(0, MAX_REPORTED);
    throw new DomainError('request.invalid', `${errors.length} problem(s) in the area upload, nothing was saved: ${describe(reported)}`, { errors: reported });
  }
  return drafts;
}

/** Keeps only [lng, lat] of each position (drops altitude and foreign members). */
function normalize(geometry: AreaGeometry): AreaGeometry {
  const ring = (r: number[][]) => r.map((p) => [p[0]!, p[1]!]);
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(ring)) };
}

function describe(errors: FieldError[]): string {
  const head = errors.slice(0, 3).map((e) => `${e.field}: ${e.message}`).join('; ');
  return errors.length > 3 ? `${head}; …` : head;
}

/** The gist of a geometry problem in Chinese (the English detail says exactly where). */
function geometryProblemZh(message: string): string {
  if (/intersect|folds back|crosses|touches/i.test(message)) return '边界自相交或折返';
  if (/encloses no area|collinear/i.test(message)) return '边界不围成面积（各点共线）';
  if (/too many positions|too complex/i.test(message)) return '边界点过多或过于复杂，请简化';
  if (/longitude|latitude|\[lng, lat\]/i.test(message)) return '坐标不是有效的经纬度';
  if (/not closed/i.test(message)) return '边界未闭合（首尾坐标不同）';
  if (/at least 4|outer ring|non-empty|missing/i.test(message) && !/hole/i.test(message)) return '边界点不足或缺失';
  if (/hole/i.test(message)) return '内部空洞不在外边界内或不正确';
  if (/type must be/i.test(message)) return '几何类型必须是 Polygon 或 MultiPolygon';
  return '几何图形不正确';
}
