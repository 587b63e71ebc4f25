// Geometry: point-in-polygon with holes, boundary distance, and the validity checks of uploads.
import { expect } from 'chai';
import { boundaryDistanceM, haversineM, pointInGeometry, validateGeometry, type AreaGeometry } from './geometry.js';
import { parseAreaUpload } from './area-upload.js';
import { isDomainError, type DomainError } from '../errors/index.js';

const square = (x: number, y: number, s: number): number[][] => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];

describe('units geometry', () => {
  const withHole: AreaGeometry = { type: 'Polygon', coordinates: [square(120, 30, 0.01), square(120.004, 30.004, 0.002)] };

  it('finds points inside a polygon and not inside its hole', () => {
    expect(pointInGeometry(120.001, 30.001, withHole)).to.equal(true);
    expect(pointInGeometry(120.005, 30.005, withHole)).to.equal(false);
    expect(pointInGeometry(120.02, 30.005, withHole)).to.equal(false);
    const multi: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] };
    expect(pointInGeometry(5.5, 5.5, multi)).to.equal(true);
    expect(pointInGeometry(3, 3, multi)).to.equal(false);
  });

  it('measures the distance to the nearest edge (outer ring or hole) in metres', () => {
    // 0.0001° of latitude ≈ 11.1 m.
    expect(boundaryDistanceM(120.005, 30.0001, withHole)).to.be.closeTo(11.1, 0.2);
    expect(boundaryDistanceM(120.005, 30.0039, withHole)).to.be.closeTo(11.1, 0.2);
    expect(haversineM(120, 30, 120, 30.01)).to.be.closeTo(1112, 1);
  });

  it('accepts valid polygons, multipolygons and polygons with holes', () => {
    expect(validateGeometry(withHole)).to.deep.equal([]);
    expect(validateGeometry({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1), square(5.2, 5.2, 0.1)]] })).to.deep.equal([]);
    // Consecutive duplicate positions are tolerated.
    expect(validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] })).to.deep.equal([]);
  });

  it('refuses unclosed rings, short rings and out-of-range coordinates, naming the place', () => {
    const open = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] });
    expect(open[0]!.message).to.match(/outer ring is not closed: first position \[0, 0\] differs from last \[0, 1\]/);
    expect(open[0]!.path).to.equal('geometry.coordinates[0]');
    const short = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] });
    expect(short[0]!.message).to.match(/3 positions; a closed ring needs at least 4/);
    const lat = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 95], [0, 0]]] });
    expect(lat[0]).to.deep.include({ path: 'geometry.coordinates[0][2]' });
    expect(lat[0]!.message).to.match(/latitude 95 is outside -90..90/);
    const text = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 'x'], [1, 1], [0, 0]]] });
    expect(text[0]!.message).to.match(/position 1 of the outer ring must be \[lng, lat\] numbers/);
    expect(validateGeometry({ type: 'Point', coordinates: [0, 0] })[0]!.message).to.match(/Polygon or MultiPolygon/);
    expect(validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [2, 2], [0, 0]]] })[0]!.message).to.match(/no area|folds back/);
  });

  it('finds self-intersections: a bow-tie, a spike, crossing rings and a hole outside its shell', () => {
    const bowtie = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] });
    expect(bowtie).to.have.length(1);
    expect(bowtie[0]!.message).to.match(/outer ring intersects itself near \[0.5, 0.5\]/);
    const spike = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [3, 1], [2, 1], [0, 1], [0, 0]]] });
    expect(spike[0]!.message).to.match(/folds back|intersects itself/);
    const touching = validateGeometry({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]]] });
    expect(touching[0]!.message).to.match(/intersects itself near \[1, 1\]/);
    const crossingHole = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 1), square(0.5, 0.5, 1)] });
    expect(crossingHole[0]!.message).to.match(/rings cross or touch near .*outer ring edge .* and hole 1 edge/);
    const outsideHole = validateGeometry({ type: 'Polygon', coordinates: [square(0, 0, 1), square(3, 3, 1)] });
    expect(outsideHole[0]).to.deep.equal({ path: 'geometry.coordinates[1]', message: 'hole 1 lies outside the outer ring' });
  });

  it('bounds the cost of the self-intersection check', () => {
    // A zig-zag whose segments all overlap in x: refused as too complex beyond the pair budget.
    const ring: number[][] = [];
    for (let i = 0; i < 400; i++) ring.push([i % 2 === 0 ? 0 : 1, i * 0.001]);
    ring.push([-1, 0.5], [ring[0]![0]!, ring[0]![1]!]);
    const problems = validateGeometry({ type: 'Polygon', coordinates: [ring] }, { maxPairChecks: 1000 });
    expect(problems[0]!.message).to.match(/too complex/);
    const many = validateGeometry({ type: 'Polygon', coordinates: [ring] }, { maxPositions: 100 });
    expect(many[0]!.message).to.match(/too many positions \(402; at most 100/);
  });

  it('validates an upload whole and names every bad feature by index', () => {
    const good = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(0, 0, 1)] }, properties: { name: '甲网格', unitId: 'U-JD-01' } };
    const bowtie = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] }, properties: { name: '乙网格', unitId: 'U-JD-01' } };
    let error: DomainError | undefined;
    try {
      parseAreaUpload({ type: 'FeatureCollection', features: [good, bowtie, { ...good, properties: { name: '丙' } }] });
    } catch (e) {
      error = e as DomainError;
    }
    expect(isDomainError(error, 'request.invalid')).to.equal(true);
    expect(error!.extra.errors).to.deep.include({ field: 'features[2].properties.unitId', message: 'required', messageZh: '必填' });
    try {
      parseAreaUpload({ type: 'FeatureCollection', features: [good, bowtie] });
    } catch (e) {
      error = e as DomainError;
    }
    expect(error!.extra.errors).to.have.length(1);
    expect(error!.extra.errors![0]!.field).to.equal('features[1].geometry.coordinates');
    expect(error!.extra.errors![0]!.message).to.match(/^feature 1 \(乙网格\): outer ring intersects itself/);
    expect(error!.extra.errors![0]!.messageZh).to.equal('第 2 个区域（乙网格）的边界不正确：边界自相交或折返');
    expect(error!.message).to.match(/nothing was saved/);
    const drafts = parseAreaUpload({ type: 'FeatureCollection', features: [good, { ...good, properties: { ...good.properties, id: 'G-2', name: '丁', categoryUnits: { noise: 'U-HB-01' } } }] });
    expect(drafts.map((d) => d.id)).to.deep.equal([drafts[0]!.id, 'G-2']);
    expect(drafts[1]).to.deep.include({ kind: 'grid', defaultUnitId: 'U-JD-01', categoryUnits: { noise: 'U-HB-01' } });
    expect(drafts[0]!.bbox).to.deep.equal({ minX: 0, minY: 0, maxX: 1, maxY: 1 });
  });
});
