/**
 * The one error middleware: every thrown error becomes application/problem+json (RFC 9457)
 * with a stable `type` (the error code), a localized `title` (zh-CN by default, English with
 * `Accept-Language: en`), the `detail` and the field-level `errors` in the same language, and
 * the failing `field`. A zh-CN caller's `detail` is the error's Chinese detail, else its field
 * errors, else the title; the English detail is for `Accept-Language: en`.
 * Unknown errors are logged and answered 500 without internals.
 */
import type { Context, Next } from 'koa';
import { DomainError, errorCodes, type ErrorCode } from '../../../errors/index.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  field?: string;
  errors?: { field: string; message: string }[];
  [key: string]: unknown;
}

export function preferredLanguage(ctx: Context): 'zh' | 'en' {
  const header = ctx.get('accept-language').toLowerCase();
  const q = ctx.query.lang;
  if (q === 'en' || q === 'zh') return q;
  return /^en\b/.test(header) ? 'en' : 'zh';
}

export function toProblem(error: DomainError, lang: 'zh' | 'en'): Problem {
  const info = errorCodes[error.code];
  const problem: Problem = {
    type: `https://paidan.example/problems/${error.code}`,
    title: info[lang],
    status: info.status,
    code: error.code,
  };
  const { field, errors, cause: _cause, detailZh, ...rest } = error.extra;
  const localized = errors?.map((e) => ({ field: e.field, message: lang === 'zh' ? e.messageZh ?? e.message : e.message }));
  if (lang === 'en') {
    if (error.detail) problem.detail = error.detail;
  } else {
    problem.detail = detailZh ?? (localized?.length ? localized.map((e) => `${e.field}：${e.message}`).join('；') : info.zh);
  }
  if (field) problem.field = field;
  if (localized?.length) problem.errors = localized;
  for (const [key, value] of Object.entries(rest)) if (value !== undefined && typeof value !== 'object') problem[key] = value;
  return problem;
}

/** Maps errors thrown by koa's body parser / http-errors (they carry `status`). */
function fromHttpError(error: { status?: number; statusCode?: number; type?: string; message?: string; expose?: boolean }): DomainError | null {
  const status = error.status ?? error.statusCode;
  if (!status || status >= 500) return null;
  if (status === 413) return new DomainError('payload.too_large', 'the request body is too large');
  if (status === 415) return new DomainError('media.unsupported', error.expose ? error.message : 'unsupported content type');
  if (status === 400) return new DomainError('request.invalid', error.expose ? error.message : 'malformed request body', { field: 'body' });
  if (status === 401) return new DomainError('auth.required');
  if (status === 403) return new DomainError('auth.forbidden');
  if (status === 404) return new DomainError('not_found');
  return new DomainError('request.invalid', error.message);
}

export function problemMiddleware(log: (error: unknown, ctx: Context) => void = (error) => console.error(error)) {
  return async function problems(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new DomainError('not_found', `no route ${ctx.method} ${ctx.path}`);
    } catch (caught) {
      let error = caught instanceof DomainError ? caught : fromHttpError(caught as never);
      if (!error) {
        log(caught, ctx);
        error = new DomainError('internal', 'unexpected error');
      }
      const problem = toProblem(error, preferredLanguage(ctx));
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = problem;
      if (problem.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
    }
  };
}
