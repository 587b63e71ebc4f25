/**
 * The photo-verify rules as pure functions from a stored photo and its context to flags:
 * capture time against the task's creation and the upload, position against the case's
 * place, and re-use against earlier photos. Each flag carries a zh-CN message for the
 * dispatcher and a machine-readable detail.
 */
import type { Photo, PhotoFlag, SimilarPhoto } from '../../photos/index.js';
import { haversineMeters, type LngLat } from './geo.js';

export interface TimeRules {
  /** Clock skew allowed on both sides of the window, ms (default 10 minutes). */
  clockSkewMs: number;
  /** Capture years before this are absurd (default 2000). */
  earliestYear: number;
}

/** Asia/Shanghai wall-clock time for messages (UTC+8, no DST). */
export function shanghaiTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The capture time must fall after the task was created (the inspector or officer was sent)
 * and before the photo reached the server, each with `clockSkewMs` of slack for phone clocks.
 * The upper bound is the upload time, not the time of the check: a photo cannot be taken
 * after it was uploaded, and the verdict stays the same when a job is retried later.
 */
export function timeFlags(photo: Pick<Photo, 'takenAt' | 'takenAtRaw' | 'uploadedAt'>, taskCreatedAt: Date | null, rules: TimeRules): PhotoFlag[] {
  if (!photo.takenAt) {
    if (photo.takenAtRaw) {
      return [{ code: 'exif_time_invalid', message: `照片的拍摄时间无法识别（${photo.takenAtRaw}）`, detail: { raw: photo.takenAtRaw } }];
    }
    return [{ code: 'no_exif_time', message: '照片没有拍摄时间（EXIF），无法确认是现场拍摄', detail: {} }];
  }
  const taken = photo.takenAt.getTime();
  if (photo.takenAt.getUTCFullYear() < rules.earliestYear) {
    return [{ code: 'exif_time_invalid', message: `照片的拍摄时间不合理（${shanghaiTime(photo.takenAt)}）`, detail: { takenAt: photo.takenAt.toISOString(), raw: photo.takenAtRaw } }];
  }
  const flags: PhotoFlag[] = [];
  if (taskCreatedAt && taken < taskCreatedAt.getTime() - rules.clockSkewMs) {
    flags.push({
      code: 'taken_before_task',
      message: `照片拍摄于任务派发之前（拍摄 ${shanghaiTime(photo.takenAt)}，派发 ${shanghaiTime(taskCreatedAt)}）`,
      detail: { takenAt: photo.takenAt.toISOString(), taskCreatedAt: taskCreatedAt.toISOString(), minutesEarly: Math.round((taskCreatedAt.getTime() - taken) / 60_000) },
    });
  }
  if (taken > photo.uploadedAt.getTime() + rules.clockSkewMs) {
    flags.push({
      code: 'taken_in_future',
      message: `照片的拍摄时间晚于上传时间（拍摄 ${shanghaiTime(photo.takenAt)}，上传 ${shanghaiTime(photo.uploadedAt)}），时间可能被篡改`,
      detail: { takenAt: photo.takenAt.toISOString(), uploadedAt: photo.uploadedAt.toISOString() },
    });
  }
  return flags;
}

/** Position check; `caseLocation` is already WGS-84, and so is `photoPosition`. */
export function positionFlags(photoPosition: LngLat | null, caseLocation: LngLat | null, maxDistanceMeters: number): PhotoFlag[] {
  if (!photoPosition) return [{ code: 'no_gps', message: '照片没有GPS位置信息，无法确认拍摄地点', detail: {} }];
  if (!caseLocation) return [];
  const distance = Math.round(haversineMeters(photoPosition, caseLocation));
  if (distance <= maxDistanceMeters) return [];
  return [{
    code: 'too_far',
    message: `拍摄地点距案件地点约 ${distance} 米，超过允许的 ${maxDistanceMeters} 米`,
    detail: { distanceMeters: distance, maxDistanceMeters, photo: photoPosition, case: caseLocation },
  }];
}

export interface ReuseMatch {
  photoId: string;
  caseId: string;
  taskId: string;
  distance: number;
  exact: boolean;
  uploadedAt: string;
}

/** One `reused` flag naming the closest earlier photo (exact SHA-256 twins first) and up to 5 matches. */
export function reuseFlags(exact: Photo[], similar: SimilarPhoto[], ownCaseId: string): PhotoFlag[] {
  const matches = new Map<string, ReuseMatch>();
  for (const p of exact) matches.set(p.id, { photoId: p.id, caseId: p.caseId, taskId: p.taskId, distance: 0, exact: true, uploadedAt: p.uploadedAt.toISOString() });
  for (const { photo: p, distance } of similar) {
    if (!matches.has(p.id)) matches.set(p.id, { photoId: p.id, caseId: p.caseId, taskId: p.taskId, distance, exact: false, uploadedAt: p.uploadedAt.toISOString() });
  }
  if (!matches.size) return [];
  const sorted = [...matches.values()].sort((a, b) => Number(b.exact) - Number(a.exact) || a.distance - b.distance || a.uploadedAt.localeCompare(b.uploadedAt));
  const best = sorted[0]!;
  const where = best.caseId === ownCaseId ? '本案件此前环节' : `案件 ${best.caseId}`;
  const how = best.exact ? '完全相同' : `高度相似（感知哈希相差 ${best.distance}/64 位）`;
  return [{
    code: 'reused',
    message: `照片与${where}已上传的照片${how}，疑似重复使用`,
    detail: { ...best, matchCount: sorted.length, matches: sorted.slice(0, 5) },
  }];
}
