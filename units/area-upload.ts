/**
 * Checks an uploaded GeoJSON FeatureCollection of areas and turns it into area drafts, or
 * refuses it whole with every problem named by feature index (never a partial import).
 */
import { createHash } from 'node:crypto';
import { DomainError, type FieldError } from '../errors/index.js';
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
    const errors: FieldError[] = (validate.errors ?? []).slice(0, MAX_REPORTED).map((e) => ({
      field: ajvField(e.instancePath, (e.params as { missingProperty?: string }).missingProperty),
      message: e.message ?? 'is invalid',
    }));
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
    for (const p of problems) errors.push({ field: p.path, message: `feature ${index} (${props.name}): ${p.message}` });
    const id = props.id ?? (feature.id !== undefined ? String(feature.id) : areaIdFor(props.name));
    const previous = seen.get(id);
    if (previous !== undefined) {
      errors.push({ field: `${base}.properties.id`, message: `feature ${index} (${props.name}): area id ${id} is already used by feature ${previous}` });
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
