/**
 * `photo-verify` worker: checks the photos of a verify, enforce or re-check task and records a
 * verdict per photo (is it a whole image, taken after the task was created, near the case's
 * place, not re-used from another case or an earlier phase). Bad photos become flags for the
 * dispatcher, never a failed job; only storage or clock errors fail (and are retried).
 */
import { JobFailure, type Worker } from '../contract.js';
import { isPhotoError, type Photo, type PhotoCheckRow, type PhotoFlag, type PhotoStore } from '../../photos/index.js';
import { positionFlags, reuseFlags, timeFlags } from './checks.js';
import { isValidLngLat, toWgs84, type CoordinateSystem, type LngLat } from './geo.js';

export type PhotoPhase = 'verify' | 'enforce' | 'recheck';

/** When a task was created (the platform's task records); null when unknown. */
export interface TaskClock {
  taskCreatedAt(taskId: string): Promise<Date | null>;
}

export interface PhotoVerifyConfig {
  /** Clock skew allowed around the window [task created, uploaded], ms (default 600,000 = 10 min). */
  clockSkewMs?: number;
  /** Capture years before this are flagged `exif_time_invalid` (default 2000). */
  earliestYear?: number;
  /** Largest distance between the photo's GPS and the case's place, metres (default 200). */
  maxDistanceMeters?: number;
  /** Largest pHash Hamming distance (of 64 bits) that counts as the same picture (default 6). */
  phashMaxDistance?: number;
  /** Datum of case locations when the case does not say (default wgs84; gcj02 for AMap/Tencent maps). */
  coordinateSystem?: CoordinateSystem;
  /** Datum of EXIF GPS (default wgs84: the phone's GNSS chip; some Chinese camera apps write gcj02). */
  exifCoordinateSystem?: CoordinateSystem;
  /** Re-read each file and check it is unchanged and still decodes (default true). */
  verifyFiles?: boolean;
}

export interface PhotoVerdict {
  photoId: string;
  passed: boolean;
  flags: PhotoFlag[];
}

export interface PhotoCheckResult {
  passed: boolean;
  phase: PhotoPhase;
  photos: PhotoVerdict[];
  /** Set when the case location is missing or invalid, so positions could not be compared. */
  locationNote?: string;
  /** No photo was attached: nothing could be verified, so `passed` is false. */
  noPhotos?: boolean;
}

export type PhotoVerifyInput = Record<string, unknown>;

/** What the worker needs from the photo store (PhotoStore provides it). */
export type PhotoSource = Pick<PhotoStore, 'getMany' | 'findSimilar' | 'findBySha256' | 'verifyFile' | 'checksForJob' | 'recordChecks'>;

export interface PhotoVerifyDeps {
  photos: PhotoSource;
  taskClock: TaskClock;
  config?: PhotoVerifyConfig;
  now?: () => Date;
}

const PHASES: readonly PhotoPhase[] = ['verify', 'enforce', 'recheck'];

/** Photo ids from the task's form value: strings, or objects with `id` / `photoId`. */
export function photoIdsFrom(value: unknown): string[] {
  if (!Array.isArray(value)) return typeof value === 'string' && value ? [value] : [];
  const ids: string[] = [];
  for (const item of value) {
    const id = typeof item === 'string' ? item : (item as { id?: unknown; photoId?: unknown } | null)?.id ?? (item as { photoId?: unknown } | null)?.photoId;
    if (typeof id === 'string' && id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

function caseLocationFrom(variables: PhotoVerifyInput, fallback: CoordinateSystem): { location: LngLat | null; note?: string } {
  const raw = variables.location;
  if (raw === null || raw === undefined) return { location: null, note: '案件没有位置，未比对拍摄地点' };
  if (!isValidLngLat(raw)) return { location: null, note: '案件位置无效（经纬度超出范围），未比对拍摄地点' };
  const declared = (raw as { coordinateSystem?: unknown }).coordinateSystem ?? variables.coordinateSystem;
  const system: CoordinateSystem = declared === 'gcj02' || declared === 'wgs84' ? declared : fallback;
  return { location: toWgs84({ lng: raw.lng, lat: raw.lat }, system) };
}

async function infra<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new JobFailure(`photo-verify: could not ${what}: ${(error as Error).message}`, undefined, { cause: error });
  }
}

export function createPhotoVerifyWorker(deps: PhotoVerifyDeps): Worker<PhotoVerifyInput, Record<string, unknown>> {
  const config = deps.config ?? {};
  const now = deps.now ?? (() => new Date());
  const timeRules = { clockSkewMs: config.clockSkewMs ?? 10 * 60_000, earliestYear: config.earliestYear ?? 2000 };
  const maxDistanceMeters = config.maxDistanceMeters ?? 200;
  const phashMaxDistance = config.phashMaxDistance ?? 6;
  const exifSystem = config.exifCoordinateSystem ?? 'wgs84';

  async function judge(photo: Photo, ownCaseId: string | null, caseLocation: LngLat | null, taskCreatedAt: Date | null): Promise<PhotoFlag[]> {
    const flags: PhotoFlag[] = [];
    if (ownCaseId && photo.caseId !== ownCaseId) {
      flags.push({ code: 'other_case', message: `照片属于其他案件（${photo.caseId}），不是本案件上传的照片`, detail: { photoCaseId: photo.caseId } });
    }
    if (config.verifyFiles ?? true) {
      const verdict = await infra('read the photo file', () => deps.photos.verifyFile(photo));
      if (!verdict.ok) {
        const message = { file_missing: '照片文件丢失', file_altered: '照片文件在上传后被修改', not_decodable: '照片无法解码，不是有效的图片' }[verdict.reason];
        flags.push({ code: verdict.reason, message, detail: { reason: verdict.detail } });
      }
    }
    flags.push(...timeFlags(photo, taskCreatedAt, timeRules));
    const position = photo.lat !== null && photo.lng !== null ? toWgs84({ lng: photo.lng, lat: photo.lat }, exifSystem) : null;
    flags.push(...positionFlags(position, caseLocation, maxDistanceMeters));
    // Re-use: earlier photos of any other upload (another task: another case, or an earlier
    // phase or loop of this one). Photos of the same task are one shoot and may look alike.
    const scope = { excludeIds: [photo.id], excludeTaskIds: [photo.taskId], uploadedBefore: photo.uploadedAt };
    const [exact, similar] = await infra('search earlier photos', () => Promise.all([
      deps.photos.findBySha256(photo.sha256, scope),
      deps.photos.findSimilar(photo.phash, { ...scope, maxDistance: phashMaxDistance }),
    ]));
    flags.push(...reuseFlags(exact, similar, photo.caseId));
    return flags;
  }

  return {
    type: 'photo-verify',
    inputSchema: {
      type: 'object',
      // Deliberately loose: malformed values become flags or notes, never an incident.
      properties: { caseId: {}, location: {}, coordinateSystem: {} },
    },
    async handle(variables, job) {
      const phase = job.headers.phase as PhotoPhase;
      const photosVariable = job.headers.photosVariable;
      const resultVariable = job.headers.resultVariable;
      if (!PHASES.includes(phase) || !photosVariable || !resultVariable) {
        throw new JobFailure(`photo-verify: headers phase (verify|enforce|recheck), photosVariable and resultVariable are required (got ${JSON.stringify(job.headers)})`);
      }
      const caseId = typeof variables.caseId === 'string' && variables.caseId ? variables.caseId : null;
      const ids = photoIdsFrom(variables[photosVariable]);
      const { location, note } = caseLocationFrom(variables, config.coordinateSystem ?? 'wgs84');

      const recorded = new Map((await infra('read earlier checks', () => deps.photos.checksForJob(job.jobKey))).map((row) => [row.photoId, row]));
      const stored = await infra('load the photos', () => deps.photos.getMany(ids.filter((id) => !recorded.has(id))));
      const clock = new Map<string, Date | null>();
      const verdicts: PhotoVerdict[] = [];
      const toRecord: Array<Omit<PhotoCheckRow, 'id'>> = [];
      for (const id of ids) {
        const previous = recorded.get(id) ?? recorded.get(id.slice(0, 64));
        if (previous) {
          verdicts.push({ photoId: id, passed: previous.passed, flags: previous.flags });
          continue;
        }
        const photo = stored.get(id);
        let flags: PhotoFlag[];
        if (!photo) {
          flags = [{ code: 'missing', message: '照片不存在（编号无效或已删除）', detail: {} }];
        } else {
          if (!clock.has(photo.taskId)) clock.set(photo.taskId, await infra('read the task creation time', () => deps.taskClock.taskCreatedAt(photo.taskId)));
          try {
            flags = await judge(photo, caseId, location, clock.get(photo.taskId) ?? null);
          } catch (error) {
            if (isPhotoError(error)) flags = [{ code: 'not_decodable', message: '照片无法解码，不是有效的图片', detail: { reason: error.detail } }];
            else throw error;
          }
        }
        const verdict = { photoId: id, passed: flags.length === 0, flags };
        verdicts.push(verdict);
        toRecord.push({ jobKey: job.jobKey, photoId: id.slice(0, 64), caseId, phase, passed: verdict.passed, flags, checkedAt: now() });
      }
      await infra('record the checks', () => deps.photos.recordChecks(toRecord));

      const result: PhotoCheckResult = { passed: verdicts.length > 0 && verdicts.every((v) => v.passed), phase, photos: verdicts };
      if (!verdicts.length) result.noPhotos = true;
      if (note) result.locationNote = note;
      return { [resultVariable]: result };
    },
  };
}

export { haversineMeters, gcj02ToWgs84, wgs84ToGcj02, type CoordinateSystem, type LngLat } from './geo.js';
