/**
 * Tables of the photo store: one `photo` row per photo attached to a task (the bytes live in
 * a content-addressed file), with its pHash split into four indexed 16-bit bands for the
 * re-use search; and `photo_check`, the photo-verify worker's verdict per photo and job.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export interface PhotoRow {
  id: string;
  sha256: string;
  phash: string;
  /** The pHash's four 16-bit bands, most significant first (multi-index hashing keys). */
  phashB0: number;
  phashB1: number;
  phashB2: number;
  phashB3: number;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  takenAt: Date | null;
  takenAtRaw: string | null;
  /** The offset the photo named; null when Asia/Shanghai (+08:00) was assumed. */
  takenAtOffset: string | null;
  lat: number | null;
  lng: number | null;
  /** Path under the photo folder, `ab/cd/<sha256>.<ext>`. */
  storagePath: string;
  caseId: string;
  taskId: string;
  uploadedBy: string;
  uploadedAt: Date;
}

export interface PhotoFlag {
  code: string;
  /** zh-CN text shown to the dispatcher. */
  message: string;
  detail?: Record<string, unknown>;
}

export interface PhotoCheckRow {
  id: number;
  jobKey: string;
  photoId: string;
  caseId: string | null;
  phase: string;
  passed: boolean;
  flags: PhotoFlag[];
  checkedAt: Date;
}

export const PhotoEntity = new EntitySchema<PhotoRow>({
  name: 'photo',
  tableName: 'photo',
  columns: {
    id: ecol.key('id', 36),
    sha256: ecol.string('sha256', 64),
    phash: ecol.string('phash', 16),
    phashB0: ecol.int('phash_b0'),
    phashB1: ecol.int('phash_b1'),
    phashB2: ecol.int('phash_b2'),
    phashB3: ecol.int('phash_b3'),
    mime: ecol.string('mime', 32),
    bytes: ecol.int('bytes'),
    width: ecol.int('width'),
    height: ecol.int('height'),
    takenAt: ecol.datetime('taken_at', true),
    takenAtRaw: ecol.string('taken_at_raw', 64, true),
    takenAtOffset: ecol.string('taken_at_offset', 8, true),
    lat: ecol.double('lat'),
    lng: ecol.double('lng'),
    storagePath: ecol.string('storage_path', 255),
    caseId: ecol.string('case_id', 64),
    taskId: ecol.string('task_id', 64),
    uploadedBy: ecol.string('uploaded_by', 128),
    uploadedAt: ecol.datetime('uploaded_at'),
  },
});

export const PhotoCheckEntity = new EntitySchema<PhotoCheckRow>({
  name: 'photo_check',
  tableName: 'photo_check',
  columns: {
    id: ecol.id(),
    jobKey: ecol.string('job_key', 128),
    photoId: ecol.string('photo_id', 64),
    caseId: ecol.string('case_id', 64, true),
    phase: ecol.string('phase', 16),
    passed: ecol.bool('passed'),
    flags: { ...ecol.json('flags', false) },
    checkedAt: ecol.datetime('checked_at'),
  },
});

export const photoEntities = [PhotoEntity, PhotoCheckEntity];
