/**
 * Reading a JSON body, for ApiRegistry.router: only once the caller is signed in and holds the
 * route's role (issue 13 F4 — a body parsed before the token was checked let anonymous
 * clients make the server parse 32 MB each). Each route has its own limit: `bodyLimit`, else
 * 1 MB, and 64 KB on public routes (sign-in).
 */
import type { Context } from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { DomainError } from '../../../errors/index.js';

export const DEFAULT_JSON_LIMIT = '1mb';
export const PUBLIC_JSON_LIMIT = '64kb';

/**
 * A body the parser could not read. Its own errors carry a status (400 bad JSON, 413 too
 * large, 415 unknown encoding) and the problem middleware maps them; zlib's and brotli's
 * (a body that says gzip, deflate or br but is not) carry none and would answer 500 — they
 * are the client's bytes, so 400 `request.invalid`.
 */
function unreadableBody(error: Error, ctx: Context): never {
  if ((error as { status?: unknown }).status !== undefined) throw error;
  const encoding = ctx.get('content-encoding').trim().toLowerCase();
  if (!encoding || encoding === 'identity') throw error;
  throw new DomainError('request.invalid', `the body is not valid ${encoding} data`, { field: 'body', cause: error });
}

export type JsonBodyReader = (ctx: Context) => Promise<unknown>;

/** Reads and parses the request's JSON body (up to `limit`, after Content-Encoding) once. */
export function jsonBodyReader(limit: string): JsonBodyReader {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8', onError: unreadableBody });
  return async (ctx) => {
    await parse(ctx, async () => undefined);
    return (ctx.request as unknown as { body?: unknown }).body;
  };
}
