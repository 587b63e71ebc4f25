/**
 * The area a point lies in, for the case record: the smallest 单元网格 containing it, else the
 * smallest street. Independent of the category (a category that always goes to one unit still
 * has a case in some area). Pure: works on an AssignmentSnapshot.
 */
import type { AssignmentSnapshot, IndexedArea } from './area-index.js';
import { isValidLngLat, pointInGeometry } from './geometry.js';

const boxArea = (a: IndexedArea) => (a.maxX - a.minX) * (a.maxY - a.minY);

export function areaAt(snapshot: AssignmentSnapshot, lng: number, lat: number): IndexedArea | null {
  if (!isValidLngLat(lng, lat)) return null;
  const inside = snapshot.index.search({ minX: lng, minY: lat, maxX: lng, maxY: lat }).filter((a) => pointInGeometry(lng, lat, a.geometry));
  inside.sort((a, b) => (a.kind === b.kind ? boxArea(a) - boxArea(b) : a.kind === 'grid' ? -1 : 1));
  return inside[0] ?? null;
}
