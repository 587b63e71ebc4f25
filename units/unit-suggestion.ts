/**
 * Suggests the responsible unit for a case from its category and location: a category that
 * always goes to one unit wins; otherwise the area containing the point decides. Anything
 * uncertain (no or invalid location, outside every area, on a border between units, overlapping
 * areas of different units, an unknown category) suggests nothing and lists the candidates,
 * so the dispatcher chooses. Pure: works on an AssignmentSnapshot, no I/O.
 */
import type { AssignmentSnapshot, IndexedArea } from './area-index.js';
import type { CategoryRow } from './entities.js';
import { METRES_PER_DEGREE, boundaryDistanceM, degreesFor, isValidLngLat, pointInGeometry } from './geometry.js';

export interface UnitCandidate {
  unitId: string;
  name: string;
  reason: string;
}

export interface UnitSuggestion {
  suggestedUnitId: string | null;
  unitCandidates: UnitCandidate[];
  unitSuggestionReason: string;
  /** The area that decided the suggestion, when one did. */
  suggestedAreaId: string | null;
}

export interface UnitSuggestionOptions {
  /** A point closer than this to an edge between areas of different units is a border case (default 5 m). */
  borderToleranceM?: number;
  /** Search radii, tried in turn, for the nearest areas of a point outside every area (default 100 m, 300 m, 1 km, 5 km). */
  nearbyRadiiM?: number[];
  /** At most this many candidate units (default 3). */
  maxCandidates?: number;
}

export interface UnitSuggestionInput {
  location?: unknown;
  category?: string | null;
}

const KIND_ZH: Record<string, string> = { grid: '网格', street: '街道' };
const metres = (m: number): string => (m < 1 ? '不足 1 米' : m < 1000 ? `约 ${Math.round(m)} 米` : `约 ${(m / 1000).toFixed(1)} 公里`);

/** An area near the point; the distance to its boundary is computed only when a rule asks. */
class Hit {
  private contains: boolean | undefined;
  private distance: number | undefined;

  constructor(readonly area: IndexedArea, private readonly lng: number, private readonly lat: number, readonly unitId: string | null) {}

  get inside(): boolean {
    this.contains ??= pointInGeometry(this.lng, this.lat, this.area.geometry);
    return this.contains;
  }

  /** A cheap lower bound of distanceM: the distance to the area's bounding box. */
  get boxDistanceM(): number {
    const a = this.area;
    const kx = Math.cos((this.lat * Math.PI) / 180) * METRES_PER_DEGREE;
    const dx = Math.max(a.minX - this.lng, 0, this.lng - a.maxX) * kx;
    const dy = Math.max(a.minY - this.lat, 0, this.lat - a.maxY) * METRES_PER_DEGREE;
    return Math.sqrt(dx * dx + dy * dy);
  }

  get distanceM(): number {
    this.distance ??= boundaryDistanceM(this.lng, this.lat, this.area.geometry);
    return this.distance;
  }
}

function areaLabel(area: IndexedArea): string {
  return `${KIND_ZH[area.kind] ?? '区域'}“${area.name}”`;
}

/** The unit an area maps a category code to. Object.hasOwn: the code comes from the request, and `constructor` is on every plain object. */
function mappedUnit(area: IndexedArea, categoryCode: string | null): string | undefined {
  return categoryCode !== null && Object.hasOwn(area.categoryUnits, categoryCode) ? area.categoryUnits[categoryCode] : undefined;
}

/** The unit an area gives a category: its category mapping, else its default unit, else the category's default. */
export function areaUnitFor(area: IndexedArea, category: CategoryRow | undefined, categoryCode: string | null): string | null {
  return mappedUnit(area, categoryCode) ?? area.defaultUnitId ?? category?.defaultUnitId ?? null;
}

export function suggestUnit(snapshot: AssignmentSnapshot, input: UnitSuggestionInput, options: UnitSuggestionOptions = {}): UnitSuggestion {
  const tolerance = options.borderToleranceM ?? 5;
  const maxCandidates = options.maxCandidates ?? 3;
  const code = typeof input.category === 'string' && input.category.trim() ? input.category.trim() : null;
  const found = code ? snapshot.categories.get(code) : undefined;
  const category = found && found.active ? found : undefined;
  const unitName = (id: string) => snapshot.units.get(id)?.name ?? id;
  const candidate = (unitId: string, reason: string): UnitCandidate => ({ unitId, name: unitName(unitId), reason });
  const categoryText = category ? `“${category.nameZh}”` : '';
  const unknownCategory = !category
    ? code ? `未知的案件类别“${code}”，无法按类别确定责任单位` : '案件没有类别，无法按类别确定责任单位'
    : null;

  if (category?.overrideUnitId && snapshot.units.has(category.overrideUnitId)) {
    const name = unitName(category.overrideUnitId);
    return {
      suggestedUnitId: category.overrideUnitId,
      unitCandidates: [candidate(category.overrideUnitId, `${categoryText}类案件统一由${name}办理`)],
      unitSuggestionReason: `${categoryText}类案件统一由${name}办理（类别指定，不按区域划分）。`,
      suggestedAreaId: null,
    };
  }

  const fallback = (): UnitCandidate[] =>
    category?.defaultUnitId && snapshot.units.has(category.defaultUnitId) ? [candidate(category.defaultUnitId, `${categoryText}类案件的默认责任单位`)] : [];
  const prefix = unknownCategory ? `${unknownCategory}；` : '';
  const location = input.location as { lng?: unknown; lat?: unknown } | null | undefined;
  if (location === null || location === undefined) {
    return { suggestedUnitId: null, unitCandidates: fallback(), unitSuggestionReason: `${prefix}案件没有位置信息，无法按区域推荐责任单位，请派遣员选择。`, suggestedAreaId: null };
  }
  if (typeof location !== 'object' || !isValidLngLat(location.lng, location.lat)) {
    const shown = typeof location === 'object' ? `经度 ${String(location.lng)}，纬度 ${String(location.lat)}` : String(location);
    return { suggestedUnitId: null, unitCandidates: fallback(), unitSuggestionReason: `${prefix}案件位置坐标无效（${shown}），无法按区域推荐责任单位，请派遣员选择。`, suggestedAreaId: null };
  }
  const lng = location.lng as number;
  const lat = location.lat as number;

  const hitsWithin = (radiusM: number): Hit[] => {
    const { dLng, dLat } = degreesFor(radiusM, lat);
    return snapshot.index.search({ minX: lng - dLng, minY: lat - dLat, maxX: lng + dLng, maxY: lat + dLat })
      .map((area) => new Hit(area, lng, lat, areaUnitFor(area, category, code)));
  };

  const hits = hitsWithin(tolerance);
  const containing = hits.filter((h) => h.inside);
  if (containing.length === 0) return outside(hits.filter((h) => h.distanceM <= tolerance), hitsWithin, options, prefix, fallback, candidate, maxCandidates);

  // Grid cells (单元网格) are finer than streets: the finest kind containing the point decides.
  const level = containing.some((h) => h.area.kind === 'grid') ? 'grid' : containing[0]!.area.kind;
  const primary = containing.filter((h) => h.area.kind === level).sort((a, b) => a.area.id.localeCompare(b.area.id));
  const neighbours = hits.filter((h) => !h.inside && h.area.kind === level && h.distanceM <= tolerance).sort((a, b) => a.distanceM - b.distanceM);
  const involved = [...primary, ...neighbours];
  const units = [...new Set(involved.map((h) => h.unitId))];
  const main = primary[0]!;
  const edge = Math.min(...primary.map((h) => h.distanceM));
  const candidates = (): UnitCandidate[] => {
    const list: UnitCandidate[] = [];
    for (const h of involved) {
      if (!h.unitId || list.some((c) => c.unitId === h.unitId)) continue;
      list.push(candidate(h.unitId, h.inside ? `案件位于${areaLabel(h.area)}内` : `案件距${areaLabel(h.area)}边界${metres(h.distanceM)}`));
    }
    for (const c of fallback()) if (!list.some((x) => x.unitId === c.unitId)) list.push(c);
    return list.slice(0, Math.max(maxCandidates, list.length > 0 ? 1 : 0));
  };

  if (unknownCategory) {
    return {
      suggestedUnitId: null, unitCandidates: candidates(),
      unitSuggestionReason: `${unknownCategory}；案件位于${areaLabel(main.area)}，请派遣员选择责任单位。`, suggestedAreaId: null,
    };
  }
  if (units.length === 1 && units[0]) {
    const unitId = units[0];
    const name = unitName(unitId);
    const byCategory = mappedUnit(main.area, code) === unitId;
    let reason = byCategory
      ? `案件位于${areaLabel(main.area)}，该区域的${categoryText}类案件由${name}负责。`
      : main.area.defaultUnitId === unitId
        ? `案件位于${areaLabel(main.area)}，由该区域的责任单位${name}负责。`
        : `案件位于${areaLabel(main.area)}，该区域未指定责任单位，按${categoryText}类案件的默认单位由${name}负责。`;
    if (involved.length > 1) reason += `（案件位于${involved.map((h) => `“${h.area.name}”`).join('与')}交界处，均属${name}。）`;
    return { suggestedUnitId: unitId, unitCandidates: [candidate(unitId, reason)], unitSuggestionReason: reason, suggestedAreaId: main.area.id };
  }
  if (units.every((u) => u === null)) {
    return {
      suggestedUnitId: null, unitCandidates: fallback(),
      unitSuggestionReason: `案件位于${areaLabel(main.area)}，但该区域没有${categoryText}类案件的责任单位，请派遣员选择。`, suggestedAreaId: null,
    };
  }
  const reason = primary.length > 1
    ? `案件位于相互重叠的${primary.map((h) => areaLabel(h.area)).join('、')}内，各区域责任单位不同，请派遣员选择。`
    : `案件位于${areaLabel(main.area)}与${neighbours.map((h) => areaLabel(h.area)).join('、')}交界处（距边界${metres(edge)}），两侧责任单位不同，请派遣员选择。`;
  return { suggestedUnitId: null, unitCandidates: candidates(), unitSuggestionReason: reason, suggestedAreaId: null };
}

function outside(
  touching: Hit[],
  hitsWithin: (radiusM: number) => Hit[],
  options: UnitSuggestionOptions,
  prefix: string,
  fallback: () => UnitCandidate[],
  candidate: (unitId: string, reason: string) => UnitCandidate,
  maxCandidates: number,
): UnitSuggestion {
  let nearest: Hit[] = touching;
  if (nearest.length === 0) {
    for (const radius of options.nearbyRadiiM ?? [100, 300, 1000, 5000]) {
      nearest = nearestOf(hitsWithin(radius), radius, maxCandidates);
      if (nearest.length > 0) break;
    }
  }
  nearest.sort((a, b) => a.distanceM - b.distanceM);
  const list: UnitCandidate[] = [];
  for (const h of nearest) {
    if (list.length >= maxCandidates) break;
    if (!h.unitId || list.some((c) => c.unitId === h.unitId)) continue;
    list.push(candidate(h.unitId, `最近的${areaLabel(h.area)}，距其边界${metres(h.distanceM)}`));
  }
  for (const c of fallback()) if (!list.some((x) => x.unitId === c.unitId)) list.push(c);
  const where = nearest.length > 0
    ? touching.length > 0 ? `案件位于${areaLabel(nearest[0]!.area)}边界上（${metres(nearest[0]!.distanceM)}）` : `案件位置不在任何责任区域内，最近的是${areaLabel(nearest[0]!.area)}（${metres(nearest[0]!.distanceM)}）`
    : '案件位置不在任何责任区域内，附近也没有区域';
  return { suggestedUnitId: null, unitCandidates: list, unitSuggestionReason: `${prefix}${where}，请派遣员选择责任单位。`, suggestedAreaId: null };
}

/**
 * The hits within `radius` that can matter for the nearest `units` distinct units: hits are
 * visited by bounding-box distance (a lower bound) and the exact boundary distance is computed
 * only until no farther box can beat the units already found.
 */
function nearestOf(hits: Hit[], radius: number, units: number): Hit[] {
  const byBox = hits.map((h) => ({ h, box: h.boxDistanceM })).filter((x) => x.box <= radius).sort((a, b) => a.box - b.box);
  const best = new Map<string | null, number>();
  const kept: Hit[] = [];
  for (const { h, box } of byBox) {
    if (best.size >= units) {
      const threshold = [...best.values()].sort((a, b) => a - b)[units - 1]!;
      if (box > threshold) break;
    }
    const d = h.distanceM;
    if (d > radius) continue;
    kept.push(h);
    if (d < (best.get(h.unitId) ?? Infinity)) best.set(h.unitId, d);
  }
  return kept;
}
