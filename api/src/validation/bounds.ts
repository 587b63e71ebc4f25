/**
 * Bounds for the numbers a request may carry. Every `integer` / `number` in a route schema has
 * a minimum and a maximum (ApiRegistry refuses a route without them): `1e309` coerces to
 * Infinity and `99999999999999999999` to 1e20, both pass `type: integer`, and unbounded they
 * reach the SQL (`OFFSET Infinity`) as a 500 instead of a 400.
 */

/** The largest generated row id or sequence number (an INT column on MySQL / MariaDB). */
export const maxRowId = 2_147_483_647;

/** The deepest page a listing serves (a deeper one is a search to narrow, not a page to read). */
export const maxOffset = 100_000;

/** A route-schema path and what it lacks, for every integer / number without both bounds. */
export function unboundedNumbers(schema: unknown, where: string): string[] {
  const found: string[] = [];
  const skip = new Set(['enum', 'const', 'default', 'examples', 'example', 'description']);
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}[${i}]`));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const s = node as Record<string, unknown>;
    const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : [];
    if (types.some((t) => t === 'integer' || t === 'number')) {
      const low = typeof s.minimum === 'number' || typeof s.exclusiveMinimum === 'number';
      const high = typeof s.maximum === 'number' || typeof s.exclusiveMaximum === 'number';
      if (!low || !high) found.push(`${at}: ${[!low && 'no minimum', !high && 'no maximum'].filter(Boolean).join(', ')}`);
    }
    for (const [key, value] of Object.entries(s)) if (!skip.has(key)) walk(value, `${at}.${key}`);
  };
  walk(schema, where);
  return found;
}
