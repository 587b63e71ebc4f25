/**
 * Test images made on the fly with sharp (no binary fixtures): a seeded "scene" of shapes
 * that pHash can tell apart, encoded as JPEG / PNG / WebP with EXIF capture time and GPS
 * written through sharp's `withExif` (sharp 0.35 writes the GPS IFD as IFD3).
 */
import zlib from 'node:zlib';
import sharp from 'sharp';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PNG of random shapes on a gradient; the same seed always draws the same scene. */
export async function scene(seed: number, width = 640, height = 480): Promise<Buffer> {
  const random = prng(seed);
  const colour = () => `rgb(${Math.floor(random() * 256)},${Math.floor(random() * 256)},${Math.floor(random() * 256)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 18; i++) {
    const x = Math.floor(random() * width);
    const y = Math.floor(random() * height);
    const size = Math.floor(40 + random() * 160);
    shapes.push(random() < 0.5
      ? `<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${colour()}"/>`
      : `<rect x="${x - size / 2}" y="${y - size / 3}" width="${size}" height="${(size * 2) / 3}" fill="${colour()}" transform="rotate(${Math.floor(random() * 90)} ${x} ${y})"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface ExifSpec {
  /** `YYYY:MM:DD HH:MM:SS` as a camera writes it (local time). */
  takenAt?: string;
  /** `+08:00`-style OffsetTimeOriginal. */
  offset?: string;
  gps?: { lat: number; lng: number };
}

function dms(value: number): string {
  const abs = Math.abs(value);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
}

/** The EXIF IFDs sharp's withExif takes for a capture time and a GPS position. */
export function exifIfds(spec: ExifSpec): Record<string, Record<string, string>> {
  const ifds: Record<string, Record<string, string>> = { IFD0: { Make: 'PaidanTest', Model: 'Camera' } };
  if (spec.takenAt) ifds.IFD2 = { DateTimeOriginal: spec.takenAt, ...(spec.offset && { OffsetTimeOriginal: spec.offset }) };
  if (spec.gps) {
    ifds.IFD3 = {
      GPSLatitudeRef: spec.gps.lat < 0 ? 'S' : 'N', GPSLatitude: dms(spec.gps.lat),
      GPSLongitudeRef: spec.gps.lng < 0 ? 'W' : 'E', GPSLongitude: dms(spec.gps.lng),
    };
  }
  return ifds;
}

export interface PhotoSpec extends ExifSpec {
  seed?: number;
  width?: number;
  height?: number;
  quality?: number;
}

export async function jpeg(spec: PhotoSpec = {}): Promise<Buffer> {
  const image = sharp(await scene(spec.seed ?? 1, spec.width, spec.height)).jpeg({ quality: spec.quality ?? 85 });
  return image.withExif(exifIfds(spec)).toBuffer();
}

export async function png(spec: PhotoSpec = {}): Promise<Buffer> {
  return sharp(await scene(spec.seed ?? 1, spec.width, spec.height)).png().withExif(exifIfds(spec)).toBuffer();
}

export async function webp(spec: PhotoSpec = {}): Promise<Buffer> {
  return sharp(await scene(spec.seed ?? 1, spec.width, spec.height)).webp({ quality: spec.quality ?? 80 }).withExif(exifIfds(spec)).toBuffer();
}

/** The same photo passed on again: re-encoded at another quality and resized, EXIF kept. */
export async function reencoded(photo: Buffer, options: { scale: number; quality: number }): Promise<Buffer> {
  const meta = await sharp(photo).metadata();
  return sharp(photo).resize(Math.round(meta.width! * options.scale)).jpeg({ quality: options.quality }).keepExif().toBuffer();
}

/** A PNG that announces width×height and carries one row of data: a header a bomb could have. */
export function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const idat = zlib.deflateSync(Buffer.alloc(1 + width * 3));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

