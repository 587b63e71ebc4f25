/**
 * Planar geometry for areas (GeoJSON Polygon / MultiPolygon in WGS-84 lng/lat): bounding boxes,
 * point-in-polygon with holes, distance to a boundary in metres, and the validity checks an
 * uploaded area must pass (closed rings, coordinate ranges, no self-intersection at bounded cost).
 */

/** [lng, lat] (extra members such as altitude are ignored). */
export type Position = number[];
export type Ring = Position[];

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}

export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Metres per degree of latitude (mean Earth radius 6,371,008.8 m). */
export const METRES_PER_DEGREE = (Math.PI / 180) * 6_371_008.8;

export function polygonsOf(geometry: AreaGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: AreaGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    // The outer ring bounds its holes.
    for (const p of polygon[0] ?? []) {
      const x = p[0]!;
      const y = p[1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return { minX, minY, maxX, maxY };
}

/** Even-odd ray casting; a point exactly on an edge may fall either way (borders are handled by distance). */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!;
    const yi = ring[i]![1]!;
    const xj = ring[j]![0]!;
    const yj = ring[j]![1]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring of some polygon and inside none of its holes. */
export function pointInGeometry(x: number, y: number, geometry: AreaGeometry): boolean {
  for (const polygon of polygonsOf(geometry)) {
    if (!polygon[0] || !pointInRing(x, y, polygon[0])) continue;
    let inHole = false;
    for (let h = 1; h < polygon.length; h++) {
      if (pointInRing(x, y, polygon[h]!)) {
        inHole = true;
        break;
      }
    }
    if (!inHole) return true;
  }
  return false;
}

/**
 * Shortest distance in metres from (lng, lat) to any edge of the geometry (outer rings and
 * holes), in a local equirectangular projection: accurate to well under 1 % over a few km.
 */
export function boundaryDistanceM(lng: number, lat: number, geometry: AreaGeometry): number {
  const kx = Math.cos((lat * Math.PI) / 180) * METRES_PER_DEGREE;
  const ky = METRES_PER_DEGREE;
  let best = Infinity;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i++) {
        const ax = (ring[i - 1]![0]! - lng) * kx;
        const ay = (ring[i - 1]![1]! - lat) * ky;
        const bx = (ring[i]![0]! - lng) * kx;
        const by = (ring[i]![1]! - lat) * ky;
        const d = originToSegmentSquared(ax, ay, bx, by);
        if (d < best) best = d;
      }
    }
  }
  return Math.sqrt(best);
}

function originToSegmentSquared(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : -(ax * dx + ay * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const px = ax + t * dx;
  const py = ay + t * dy;
  return px * px + py * py;
}

/** Great-circle distance in metres (Haversine). */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLng = (lng2 - lng1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Degrees of longitude / latitude spanning `metres` at latitude `lat`. */
export function degreesFor(metres: number, lat: number): { dLng: number; dLat: number } {
  const dLat = metres / METRES_PER_DEGREE;
  const cos = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  return { dLng: dLat / cos, dLat };
}

export function isValidLngLat(lng: unknown, lat: unknown): boolean {
  return typeof lng === 'number' && typeof lat === 'number' && Number.isFinite(lng) && Number.isFinite(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface GeometryLimits {
  /** Positions allowed in one feature (default 50,000). */
  maxPositions?: number;
  /** Segment pairs compared when looking for self-intersections in one polygon (default 4,000,000). */
  maxPairChecks?: number;
}

export interface GeometryProblem {
  /** Path inside the feature, e.g. `geometry.coordinates[0][2]`. */
  path: string;
  message: string;
}

interface Segment {
  ring: number;
  index: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

const fmt = (p: Position): string => `[${p[0]}, ${p[1]}]`;

/** Structural and topological checks of one geometry; an empty list means valid. */
export function validateGeometry(geometry: unknown, limits: GeometryLimits = {}, base = 'geometry'): GeometryProblem[] {
  const maxPositions = limits.maxPositions ?? 50_000;
  if (typeof geometry !== 'object' || geometry === null) return [{ path: base, message: 'geometry is missing' }];
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return [{ path: `${base}.type`, message: `geometry type must be Polygon or MultiPolygon (got ${JSON.stringify(g.type)})` }];
  }
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) {
    return [{ path: `${base}.coordinates`, message: 'coordinates must be a non-empty array' }];
  }
  const polygons: { path: string; rings: unknown }[] = g.type === 'Polygon'
    ? [{ path: `${base}.coordinates`, rings: g.coordinates }]
    : g.coordinates.map((rings, i) => ({ path: `${base}.coordinates[${i}]`, rings }));
  let total = 0;
  for (const { rings } of polygons) {
    if (Array.isArray(rings)) for (const ring of rings) total += Array.isArray(ring) ? ring.length : 0;
  }
  if (total > maxPositions) return [{ path: `${base}.coordinates`, message: `too many positions (${total}; at most ${maxPositions} per area)` }];
  const problems: GeometryProblem[] = [];
  for (const polygon of polygons) problems.push(...validatePolygon(polygon.rings, polygon.path, limits));
  return problems;
}

function validatePolygon(rings: unknown, path: string, limits: GeometryLimits): GeometryProblem[] {
  if (!Array.isArray(rings) || rings.length === 0) return [{ path, message: 'a polygon must have at least an outer ring' }];
  const problems: GeometryProblem[] = [];
  const cleaned: Ring[] = [];
  rings.forEach((ring, r) => {
    const ringPath = `${path}[${r}]`;
    const checked = validateRing(ring, ringPath, r === 0 ? 'outer ring' : `hole ${r}`);
    if (typeof checked === 'string') problems.push({ path: ringPath, message: checked });
    else if ('path' in checked) problems.push(checked);
    else cleaned.push(checked.ring);
  });
  if (problems.length > 0) return problems;
  const crossing = findIntersection(cleaned, limits.maxPairChecks ?? 4_000_000);
  if (crossing) return [{ path, message: crossing }];
  cleaned.forEach((ring, r) => {
    // Checked after crossings: a bow-tie's signed area is zero too, but "intersects itself" says more.
    let area2 = 0;
    for (let i = 1; i < ring.length; i++) area2 += ring[i - 1]![0]! * ring[i]![1]! - ring[i]![0]! * ring[i - 1]![1]!;
    if (Math.abs(area2) < 1e-18) problems.push({ path: `${path}[${r}]`, message: `${r === 0 ? 'outer ring' : `hole ${r}`} encloses no area (its positions are collinear)` });
  });
  if (problems.length > 0) return problems;
  const outer = cleaned[0]!;
  for (let h = 1; h < cleaned.length; h++) {
    const p = cleaned[h]![0]!;
    if (!pointInRing(p[0]!, p[1]!, outer)) problems.push({ path: `${path}[${h}]`, message: `hole ${h} lies outside the outer ring` });
  }
  return problems;
}

/** A ring without consecutive duplicate positions, or the reason it is invalid. */
function validateRing(ring: unknown, path: string, label: string): { ring: Ring } | GeometryProblem | string {
  if (!Array.isArray(ring)) return `${label} must be an array of positions`;
  if (ring.length < 4) return `${label} has ${ring.length} positions; a closed ring needs at least 4`;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i] as unknown;
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      return { path: `${path}[${i}]`, message: `position ${i} of the ${label} must be [lng, lat] numbers` };
    }
    if (p[0] < -180 || p[0] > 180) return { path: `${path}[${i}]`, message: `position ${i} of the ${label}: longitude ${p[0]} is outside -180..180` };
    if (p[1] < -90 || p[1] > 90) return { path: `${path}[${i}]`, message: `position ${i} of the ${label}: latitude ${p[1]} is outside -90..90` };
  }
  const first = ring[0] as Position;
  const last = ring[ring.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) return `${label} is not closed: first position ${fmt(first)} differs from last ${fmt(last)}`;
  const cleaned: Ring = [];
  for (const p of ring as Position[]) {
    const prev = cleaned[cleaned.length - 1];
    if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) cleaned.push([p[0]!, p[1]!]);
  }
  if (cleaned.length < 4) return `${label} has fewer than 3 distinct positions`;
  return { ring: cleaned };
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(s: Segment, x: number, y: number): boolean {
  return x >= s.minX && x <= s.maxX && y >= s.minY && y <= s.maxY;
}

function segmentsIntersect(s: Segment, t: Segment): boolean {
  const o1 = orient(s.ax, s.ay, s.bx, s.by, t.ax, t.ay);
  const o2 = orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  const o3 = orient(t.ax, t.ay, t.bx, t.by, s.ax, s.ay);
  const o4 = orient(t.ax, t.ay, t.bx, t.by, s.bx, s.by);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(s, t.ax, t.ay)) return true;
  if (o2 === 0 && onSegment(s, t.bx, t.by)) return true;
  if (o3 === 0 && onSegment(t, s.ax, s.ay)) return true;
  return o4 === 0 && onSegment(t, s.bx, s.by);
}

/** Consecutive segments share a vertex; they are invalid only when they fold back on each other (a spike). */
function foldsBack(s: Segment, t: Segment): boolean {
  // s.b === t.a: collinear and pointing back.
  if (orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by) !== 0) return false;
  return (s.bx - s.ax) * (t.bx - t.ax) + (s.by - s.ay) * (t.by - t.ay) < 0;
}

/**
 * Finds the first pair of segments of a polygon's rings that cross or touch (other than
 * consecutive segments meeting at their shared vertex). A sweep along x compares only segments
 * whose x-ranges overlap; at most `maxPairChecks` pairs are compared, so the cost is bounded.
 */
function findIntersection(rings: Ring[], maxPairChecks: number): string | null {
  const segments: Segment[] = [];
  const counts: number[] = [];
  rings.forEach((ring, r) => {
    counts.push(ring.length - 1);
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = ring[i - 1] as [number, number];
      const [bx, by] = ring[i] as [number, number];
      segments.push({ ring: r, index: i - 1, ax, ay, bx, by, minX: Math.min(ax, bx), maxX: Math.max(ax, bx), minY: Math.min(ay, by), maxY: Math.max(ay, by) });
    }
  });
  segments.sort((a, b) => a.minX - b.minX);
  const active: Segment[] = [];
  let checks = 0;
  for (const s of segments) {
    let keep = 0;
    for (let k = 0; k < active.length; k++) {
      const t = active[k]!;
      if (t.maxX < s.minX) continue;
      active[keep++] = t;
      if (++checks > maxPairChecks) return `the polygon is too complex to check for self-intersection (more than ${maxPairChecks} segment pairs); simplify it`;
      if (t.maxY < s.minY || t.minY > s.maxY) continue;
      if (s.ring === t.ring) {
        const n = counts[s.ring]!;
        const [first, second] = s.index < t.index ? [s, t] : [t, s];
        if (second.index === first.index + 1) {
          if (foldsBack(first, second)) return describe('folds back on itself at', first, second, first.bx, first.by);
          continue;
        }
        if (first.index === 0 && second.index === n - 1) {
          if (foldsBack(second, first)) return describe('folds back on itself at', second, first, first.ax, first.ay);
          continue;
        }
      }
      if (segmentsIntersect(s, t)) {
        const [x, y] = intersectionPoint(s, t);
        return describe('intersects itself near', s, t, x, y);
      }
    }
    active.length = keep;
    active.push(s);
  }
  return null;
}

function ringName(r: number): string {
  return r === 0 ? 'outer ring' : `hole ${r}`;
}

function describe(what: string, s: Segment, t: Segment, x: number, y: number): string {
  const [a, b] = s.ring < t.ring || (s.ring === t.ring && s.index < t.index) ? [s, t] : [t, s];
  const where = `${ringName(a.ring)} edge ${a.index}–${a.index + 1} and ${ringName(b.ring)} edge ${b.index}–${b.index + 1}`;
  const point = `[${round(x)}, ${round(y)}]`;
  return a.ring === b.ring ? `${ringName(a.ring)} ${what} ${point} (${where})` : `rings cross or touch near ${point} (${where})`;
}

function round(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

function intersectionPoint(s: Segment, t: Segment): [number, number] {
  const d = (s.bx - s.ax) * (t.by - t.ay) - (s.by - s.ay) * (t.bx - t.ax);
  if (d === 0) {
    // Collinear overlap or touching: report an endpoint lying on the other segment.
    for (const [x, y] of [[t.ax, t.ay], [t.bx, t.by], [s.ax, s.ay]] as const) if (onSegment(s, x, y) && onSegment(t, x, y)) return [x, y];
    return [s.ax, s.ay];
  }
  const u = ((t.ax - s.ax) * (t.by - t.ay) - (t.ay - s.ay) * (t.bx - t.ax)) / d;
  return [s.ax + u * (s.bx - s.ax), s.ay + u * (s.by - s.ay)];
}
