/**
 * The in-memory assignment snapshot: an R-tree (rbush) of area bounding boxes plus the units
 * and categories, built once per revision so a unit suggestion never scans every polygon.
 */
import RBush from 'rbush';
import type { AreaKind, CategoryRow, UnitRow } from './entities.js';
import type { AreaGeometry, BBox } from './geometry.js';
import type { AssignmentData } from './store.js';

export interface IndexedArea extends BBox {
  id: string;
  name: string;
  kind: AreaKind;
  geometry: AreaGeometry;
  defaultUnitId: string | null;
  categoryUnits: Record<string, string>;
}

export class AreaIndex {
  private readonly tree = new RBush<IndexedArea>(16);
  readonly size: number;

  constructor(areas: readonly IndexedArea[]) {
    this.tree.load(areas);
    this.size = areas.length;
  }

  /** Areas whose bounding box intersects the box (candidates; test the geometry next). */
  search(box: BBox): IndexedArea[] {
    return this.tree.search(box);
  }
}

export interface AssignmentSnapshot {
  revision: number;
  index: AreaIndex;
  units: Map<string, UnitRow>;
  categories: Map<string, CategoryRow>;
}

export function buildSnapshot(data: AssignmentData): AssignmentSnapshot {
  const areas: IndexedArea[] = data.areas.map((a) => ({
    id: a.id, name: a.name, kind: a.kind, geometry: a.geometry, defaultUnitId: a.defaultUnitId, categoryUnits: a.categoryUnits,
    minX: a.minLng, minY: a.minLat, maxX: a.maxLng, maxY: a.maxLat,
  }));
  return {
    revision: data.revision,
    index: new AreaIndex(areas),
    units: new Map(data.units.map((u) => [u.id, u])),
    categories: new Map(data.categories.map((c) => [c.code, c])),
  };
}
