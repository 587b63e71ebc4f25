/**
 * Serves the built pages (web/dist) from the Koa app: hashed files under /assets/ cached for a
 * year, everything else revalidated, gzip when the browser accepts it (compressed once, kept in
 * memory), and index.html for the pages' own routes (/tasks/…, /cases/…) so a reload works.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Context, Next } from 'koa';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.eot': 'application/vnd.ms-fontobject', '.json': 'application/json', '.ico': 'image/x-icon',
};
const compressible = new Set(['.html', '.js', '.css', '.svg', '.json', '.ttf', '.eot']);

/** `imgSources`: more origins the pages may load images from (a configured map tile server). */
export function serveWeb(root: string, options: { imgSources?: string[] } = {}): (ctx: Context, next: Next) => Promise<void> {
  const imgSrc = ["'self'", 'blob:', 'data:', ...(options.imgSources ?? [])].join(' ');
  const base = path.resolve(root);
  const cache = new Map<string, { raw: Buffer; gz: Buffer | null; mtime: number }>();

  function read(file: string) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtime === stat.mtimeMs) return hit;
    const raw = fs.readFileSync(file);
    const entry = { raw, gz: compressible.has(path.extname(file)) && raw.length > 512 ? zlib.gzipSync(raw, { level: 9 }) : null, mtime: stat.mtimeMs };
    cache.set(file, entry);
    return entry;
  }

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/api/') || ctx.path === '/api') return next();
    let file = path.resolve(base, `.${decodeURIComponent(ctx.path)}`);
    if (!file.startsWith(base + path.sep) && file !== base) return next();
    let entry = ctx.path.endsWith('/') ? null : read(file);
    if (!entry) {
      if (ctx.path.startsWith('/assets/') || path.extname(ctx.path)) return next(); // a missing asset is a 404, not the page
      file = path.join(base, 'index.html');
      entry = read(file);
      if (!entry) return next();
    }
    const ext = path.extname(file);
    ctx.type = types[ext] ?? 'application/octet-stream';
    ctx.set('Cache-Control', ctx.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.vary('Accept-Encoding');
    if (ext === '.html') ctx.set('Content-Security-Policy', `default-src 'self'; img-src ${imgSrc}; style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'`);
    if (entry.gz && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = entry.gz;
    } else ctx.body = entry.raw;
  };
}
