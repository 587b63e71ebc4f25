// rbush 4 ships no type declarations; this is the part the platform uses (units/area-index.ts).
declare module 'rbush' {
  export interface BBox {
    minX: number;
    minY: number;
    maxX: number;
    maxY: number;
  }
  export default class RBush<T extends BBox = BBox> {
    constructor(maxEntries?: number);
    load(items: readonly T[]): this;
    insert(item: T): this;
    remove(item: T, equals?: (a: T, b: T) => boolean): this;
    clear(): this;
    search(bbox: BBox): T[];
    collides(bbox: BBox): boolean;
    all(): T[];
    toJSON(): unknown;
  }
}
