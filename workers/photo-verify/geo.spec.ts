import { expect } from 'chai';
import { gcj02ToWgs84, haversineMeters, isValidLngLat, outOfChina, toWgs84, wgs84ToGcj02 } from './geo.js';

/** WGS-84 → GCJ-02 reference pairs published with the widely used eviltransform library's tests. */
const REFERENCE = [
  { name: 'Shanghai', wgs: { lat: 31.1774276, lng: 121.5272106 }, gcj: { lat: 31.17530398364597, lng: 121.531541859215 } },
  { name: 'Shenzhen', wgs: { lat: 22.543847, lng: 113.912316 }, gcj: { lat: 22.540796131694766, lng: 113.9171764808363 } },
  { name: 'Beijing', wgs: { lat: 39.911954, lng: 116.377817 }, gcj: { lat: 39.91334545536069, lng: 116.38404722455657 } },
];

describe('photo-verify: geo', () => {
  it('Haversine: one degree of latitude ≈ 111.2 km; Shanghai–Beijing ≈ 1,067 km; zero for the same point', () => {
    expect(haversineMeters({ lng: 121, lat: 31 }, { lng: 121, lat: 32 })).to.be.closeTo(111_195, 10);
    expect(haversineMeters({ lng: 121.4737, lat: 31.2304 }, { lng: 116.4074, lat: 39.9042 }) / 1000).to.be.closeTo(1067, 3);
    expect(haversineMeters({ lng: 121.5, lat: 31.2 }, { lng: 121.5, lat: 31.2 })).to.equal(0);
    expect(haversineMeters({ lng: 179.9999, lat: 0 }, { lng: -179.9999, lat: 0 })).to.be.closeTo(22.2, 0.1);
  });

  for (const { name, wgs, gcj } of REFERENCE) {
    it(`GCJ-02 ⇄ WGS-84 against the reference values (${name})`, () => {
      const forward = wgs84ToGcj02(wgs);
      expect(forward.lat).to.be.closeTo(gcj.lat, 1e-9);
      expect(forward.lng).to.be.closeTo(gcj.lng, 1e-9);
      const back = gcj02ToWgs84(gcj);
      expect(haversineMeters(back, wgs)).to.be.below(0.01); // within a centimetre
      // the offset itself is hundreds of metres: ignoring it would move the case
      expect(haversineMeters(gcj, wgs)).to.be.above(300);
    });
  }

  it('applies no offset outside China', () => {
    const paris = { lng: 2.3522, lat: 48.8566 };
    expect(outOfChina(paris)).to.equal(true);
    expect(gcj02ToWgs84(paris)).to.deep.equal(paris);
    expect(wgs84ToGcj02(paris)).to.deep.equal(paris);
    expect(toWgs84({ lng: 121.5, lat: 31.2 }, 'wgs84')).to.deep.equal({ lng: 121.5, lat: 31.2 });
  });

  it('validates positions', () => {
    expect(isValidLngLat({ lng: 121.5, lat: 31.2 })).to.equal(true);
    expect(isValidLngLat({ lng: 121.5, lat: 91 })).to.equal(false);
    expect(isValidLngLat({ lng: 'x', lat: 1 })).to.equal(false);
    expect(isValidLngLat({ lng: Number.NaN, lat: 1 })).to.equal(false);
    expect(isValidLngLat(null)).to.equal(false);
  });
});
