/**
 * Distances and datums for the photo position check: great-circle distance on the WGS-84
 * mean radius (Haversine) and the conversion of GCJ-02 ("Mars coordinates", the offset datum
 * Chinese maps and many Chinese phones use) back to WGS-84, which is what GPS EXIF holds.
 */

export interface LngLat {
  lng: number;
  lat: number;
}

export type CoordinateSystem = 'wgs84' | 'gcj02';

/** Mean Earth radius (IUGG, from the WGS-84 ellipsoid), metres. */
const EARTH_RADIUS_M = 6_371_008.8;

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Haversine distance in metres between two WGS-84 positions. */
export function haversineMeters(a: LngLat, b: LngLat): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function isValidLngLat(value: unknown): value is LngLat {
  const v = value as { lng?: unknown; lat?: unknown } | null;
  return !!v && typeof v.lng === 'number' && typeof v.lat === 'number' && Number.isFinite(v.lng) && Number.isFinite(v.lat)
    && Math.abs(v.lat) <= 90 && Math.abs(v.lng) <= 180;
}

// GCJ-02 parameters: the Krasovsky 1940 ellipsoid the published obfuscation formula uses.
const GCJ_A = 6378245.0;
const GCJ_EE = 0.006693421622965943;

/** The GCJ-02 offset applies inside China's rough bounding box only (elsewhere none). */
export function outOfChina(p: LngLat): boolean {
  return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS-84 → GCJ-02 (the forward obfuscation). */
export function wgs84ToGcj02(p: LngLat): LngLat {
  if (outOfChina(p)) return { lng: p.lng, lat: p.lat };
  const radLat = rad(p.lat);
  const magic = 1 - GCJ_EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(p.lng - 105, p.lat - 35) * 180) / (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (offsetLng(p.lng - 105, p.lat - 35) * 180) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return { lng: p.lng + dLng, lat: p.lat + dLat };
}

/**
 * GCJ-02 → WGS-84 by fixed-point iteration on the forward transform: guess w, move it by
 * the error g − f(w) until below 1e-9° (≈0.1 mm). Converges in a handful of steps because
 * the offset changes slowly with position.
 */
export function gcj02ToWgs84(p: LngLat): LngLat {
  if (outOfChina(p)) return { lng: p.lng, lat: p.lat };
  let lng = p.lng;
  let lat = p.lat;
  for (let i = 0; i < 30; i++) {
    const forward = wgs84ToGcj02({ lng, lat });
    const dLng = p.lng - forward.lng;
    const dLat = p.lat - forward.lat;
    lng += dLng;
    lat += dLat;
    if (Math.abs(dLng) < 1e-9 && Math.abs(dLat) < 1e-9) break;
  }
  return { lng, lat };
}

export function toWgs84(p: LngLat, system: CoordinateSystem): LngLat {
  return system === 'gcj02' ? gcj02ToWgs84(p) : { lng: p.lng, lat: p.lat };
}
