/** The server's field errors of a refusal, by field (several messages of one field joined), for showing beside each field. */
import { ApiError } from '../api.js';

export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const byField: Record<string, string> = {};
  for (const e of error.problem.errors ?? []) {
    const field = e.field.replace(/^\/?(?:body\/)?/, '').split('/')[0];
    // one word per message: a blank required text fails both its minLength and its pattern, each "必填"
    if (byField[field]?.split('；').includes(e.message)) continue;
    byField[field] = byField[field] ? `${byField[field]}；${e.message}` : e.message;
  }
  if (error.problem.field && !byField[error.problem.field]) byField[error.problem.field] = error.problem.detail ?? error.message;
  return byField;
}
