/**
 * Rows in plain SQL, hydrated with the driver's own conversions (booleans, datetimes,
 * transformers): for reads made on every request (the session behind a token, a search's page),
 * where building the query through the ORM cost more CPU than the indexed read itself.
 */
import type { DataSource, EntitySchema, ObjectLiteral } from 'typeorm';

/** Column lists by DataSource and entity (built once; they are the same text every time). */
const columnLists = new WeakMap<DataSource, Map<string, string>>();

export async function findRowByKey<T extends ObjectLiteral>(ds: DataSource, entity: EntitySchema<T>, property: keyof T & string, value: string): Promise<T | null> {
  const metadata = ds.getMetadata(entity);
  const column = metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${metadata.name} has no column ${property}`);
  const escape = (name: string) => ds.driver.escape(name);
  const sql = `SELECT ${entityColumns(ds, entity as EntitySchema, 't')} FROM ${escape(metadata.tableName)} t WHERE t.${escape(column.databaseName)} = ? LIMIT 1`;
  const [raw] = (await ds.query(sql, [value])) as Record<string, unknown>[];
  return raw ? hydrateRow(ds, entity, raw) : null;
}

/**
 * An entity's columns for a plain SELECT, each under its own column name (`c.id AS id`), so
 * hydrateRow can read the result.
 */
export function entityColumns(ds: DataSource, entity: EntitySchema, alias: string): string {
  let cache = columnLists.get(ds);
  if (!cache) columnLists.set(ds, (cache = new Map()));
  const cacheKey = `${ds.getMetadata(entity).name}:${alias}`;
  let columns = cache.get(cacheKey);
  if (!columns) {
    const escape = (name: string) => ds.driver.escape(name);
    columns = ds.getMetadata(entity).columns.map((c) => `${alias}.${escape(c.databaseName)} AS ${escape(c.databaseName)}`).join(', ');
    cache.set(cacheKey, columns);
  }
  return columns;
}

/** A raw row keyed by column names, as the entity's properties with the driver's own conversions. */
export function hydrateRow<T extends ObjectLiteral>(ds: DataSource, entity: EntitySchema<T>, raw: Record<string, unknown>): T {
  const row: Record<string, unknown> = {};
  for (const c of ds.getMetadata(entity).columns) row[c.propertyName] = ds.driver.prepareHydratedValue(raw[c.databaseName], c);
  return row as T;
}
