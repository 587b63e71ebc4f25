/**
 * ETags for JSON answers: the pages poll their lists every few seconds, and a phone on a slow
 * link should not download an unchanged list again. A GET answered 200 with a JSON body gets a
 * weak ETag over its serialised body; a request whose If-None-Match names it is answered 304
 * with no body. The client sends If-None-Match itself (answers stay `no-store`, so nothing
 * personal is kept in a browser cache on a shared desk computer).
 */
import crypto from 'node:crypto';
import type { Middleware } from 'koa';

/** Bodies a handler promised never to change (answers reused from a cache): serialised once. */
const serialised = new WeakMap<object, { json: string; tag: string } | null>();

/** Marks an answer that is never changed after this, so its JSON and ETag are computed once. */
export function unchangingBody<T extends object>(body: T): T {
  serialised.set(body, null);
  return body;
}

function serialise(body: object): { json: string; tag: string } {
  const known = serialised.get(body);
  if (known) return known;
  const json = JSON.stringify(body);
  const result = { json, tag: `W/"${crypto.createHash('sha1').update(json).digest('base64url')}"` };
  if (known === null) serialised.set(body, result);
  return result;
}

export function conditionalJson(): Middleware {
  return async (ctx, next) => {
    await next();
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.status !== 200 || !ctx.path.startsWith('/api/')) return;
    const body: unknown = ctx.body;
    if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return;
    const { json, tag } = serialise(body);
    ctx.set('ETag', tag);
    const wanted = ctx.get('If-None-Match');
    if (wanted && wanted.split(',').some((t) => t.trim() === tag || t.trim() === '*')) {
      ctx.status = 304;
      ctx.body = null;
      return;
    }
    // serialised once here, not again by Koa
    ctx.type = 'application/json';
    ctx.body = json;
  };
}
