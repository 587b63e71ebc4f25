/**
 * Reads what the checks need from a photo's EXIF block (exifr): the capture time with its
 * UTC offset and the GPS position. Values are parsed here from the raw tags, not from
 * exifr's revived Dates, which would silently use the server's own time zone.
 */
import exifr from 'exifr';

type ExifrOptions = Exclude<Parameters<typeof exifr.parse>[1], boolean | undefined | unknown[]>;

export interface ExifFacts {
  /** Capture time as an instant; null when absent or not a real date. */
  takenAt: Date | null;
  /** The tag exactly as written (`2024:11:24 10:00:00`), kept for the record even when absurd. */
  takenAtRaw: string | null;
  /** The UTC offset used (`+08:00`); null when the photo named none and Asia/Shanghai was assumed. */
  takenAtOffset: string | null;
  lat: number | null;
  lng: number | null;
}

export const EMPTY_EXIF: ExifFacts = { takenAt: null, takenAtRaw: null, takenAtOffset: null, lat: null, lng: null };

const OPTIONS: ExifrOptions = {
  tiff: true, exif: true, gps: true, interop: false, ifd1: false,
  xmp: false, icc: false, iptc: false, jfif: false, ihdr: false,
  reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: true,
};

/**
 * Phones without a time-zone tag (OffsetTimeOriginal arrived with EXIF 2.31, and many
 * Android camera apps still omit it) write local wall-clock time. The platform serves one
 * Chinese city, so a missing offset means Asia/Shanghai: UTC+8 all year (no DST since 1991).
 */
export const ASSUMED_OFFSET = '+08:00';

const DATE_TIME = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** Parses an EXIF date-time with an optional offset (`+08:00`) into an instant, or null. */
export function parseExifDateTime(raw: string, offset: string | null, subSeconds?: string | null): Date | null {
  const m = DATE_TIME.exec(raw.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const fraction = m[7] ?? (subSeconds && /^\d+$/.test(subSeconds.trim()) ? subSeconds.trim() : '0');
  const ms = Math.round(Number(`0.${fraction}`) * 1000);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null; // 31 February
  const o = OFFSET.exec((offset ?? ASSUMED_OFFSET).trim()) ?? OFFSET.exec(ASSUMED_OFFSET)!;
  const offsetMinutes = (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
  return new Date(local - offsetMinutes * 60_000);
}

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const trimmed = value.replace(/\0+$/, '').trim();
    return trimmed || null;
  }
  return null;
}

function degrees(value: unknown, ref: unknown, negativeRef: string): number | null {
  let result: number;
  if (Array.isArray(value) && value.length >= 1 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const [d, m = 0, s = 0] = value as number[];
    result = d! + m / 60 + s / 3600;
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    result = value;
  } else {
    return null;
  }
  return text(ref)?.toUpperCase() === negativeRef ? -result : result;
}

/** Facts from a raw EXIF (TIFF) block as sharp returns it (with or without the `Exif\0\0` header). */
export async function readExifFacts(block: Buffer | undefined): Promise<ExifFacts> {
  if (!block || block.length < 8) return EMPTY_EXIF;
  const tiff = block.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? block.subarray(6) : block;
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(tiff, OPTIONS)) as Record<string, unknown> | undefined;
  } catch {
    return EMPTY_EXIF; // a broken EXIF block is the same as none: the checks flag what is missing
  }
  if (!tags) return EMPTY_EXIF;
  // DateTimeOriginal is the shutter time; CreateDate (DateTimeDigitized) is the same on a
  // phone and serves when the first is missing. ModifyDate (IFD0 DateTime) changes on edit.
  let takenAtRaw = text(tags.DateTimeOriginal);
  let offset = text(tags.OffsetTimeOriginal);
  let subSeconds = text(tags.SubSecTimeOriginal);
  if (!takenAtRaw) {
    takenAtRaw = text(tags.CreateDate);
    offset = text(tags.OffsetTimeDigitized);
    subSeconds = text(tags.SubSecTimeDigitized);
  }
  if (offset && !OFFSET.test(offset)) offset = null;
  const takenAt = takenAtRaw ? parseExifDateTime(takenAtRaw, offset, subSeconds) : null;

  let lat = degrees(tags.GPSLatitude, tags.GPSLatitudeRef, 'S');
  let lng = degrees(tags.GPSLongitude, tags.GPSLongitudeRef, 'W');
  // Out of range, or exactly 0/0 (what some phones write without a fix): no position.
  if (lat === null || lng === null || Math.abs(lat) > 90 || Math.abs(lng) > 180 || (lat === 0 && lng === 0)) {
    lat = null;
    lng = null;
  }
  return { takenAt, takenAtRaw, takenAtOffset: takenAt ? offset : null, lat, lng };
}
