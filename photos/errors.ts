/**
 * The photo store's refusals, each with a stable code, an HTTP status and zh-CN / English
 * messages, so the API's error middleware can answer problem+json without reading text.
 */

export const photoErrorCodes = {
  'photo.unsupported_type': { status: 415, zh: '只能上传 JPEG、PNG、HEIC 或 WebP 格式的照片', en: 'Only JPEG, PNG, HEIC and WebP photos are accepted' },
  'photo.too_large': { status: 413, zh: '照片文件过大', en: 'The photo is too large' },
  'photo.corrupt': { status: 422, zh: '照片文件已损坏或不完整，无法打开', en: 'The photo is damaged or incomplete and cannot be decoded' },
  'photo.too_many_pixels': { status: 422, zh: '照片像素过多（超过手机照片的大小），请压缩后再上传', en: 'The photo has more pixels than a phone photo: shrink it and upload again' },
  'photo.not_found': { status: 404, zh: '照片不存在', en: 'Photo not found' },
} as const;

export type PhotoErrorCode = keyof typeof photoErrorCodes;

export class PhotoError extends Error {
  readonly status: number;
  /** The request field that failed (the multipart file). */
  readonly field = 'file';

  constructor(
    readonly code: PhotoErrorCode,
    /** Precise English detail for logs and problem+json `detail`. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'PhotoError';
    this.status = photoErrorCodes[code].status;
  }
}

export function isPhotoError(error: unknown, code?: PhotoErrorCode): error is PhotoError {
  return error instanceof PhotoError && (code === undefined || error.code === code);
}
