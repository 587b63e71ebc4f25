/**
 * What the pages need to know about this installation that the API does not otherwise say:
 * the map's raster tile server (none by default — the bureau's intranet has no internet, so
 * maps draw areas and points as vectors only).
 */
import type { ApiRegistry } from '../../api/src/http/route.js';

export interface WebConfig {
  map: {
    /** A Leaflet tile URL template (`https://tiles.example/{z}/{x}/{y}.png`), or null for vectors only. */
    tileUrl: string | null;
    /** Shown as plain text in the map's corner when tiles are drawn. */
    attribution: string | null;
  };
}

const webConfigSchema = {
  type: 'object',
  properties: {
    map: {
      type: 'object',
      properties: { tileUrl: { type: ['string', 'null'] }, attribution: { type: ['string', 'null'] } },
    },
  },
};

/** The origin of the tile URL, for the pages' Content-Security-Policy `img-src` (null without tiles). */
export function tileOrigin(tileUrl: string | null): string | null {
  if (!tileUrl) return null;
  try {
    return new URL(tileUrl.replace(/\{[a-z]\}/g, '0')).origin;
  } catch {
    return null;
  }
}

export function registerWebConfigRoutes(registry: ApiRegistry, config: WebConfig): void {
  registry.add({
    method: 'get', path: '/web-config', summary: "the pages' installation settings (the map's tile server)", tags: ['system'],
    responses: { 200: { description: 'settings', schema: webConfigSchema } },
    async handler(ctx) {
      ctx.body = { map: { tileUrl: config.map.tileUrl, attribution: config.map.attribution } };
    },
  });
}
