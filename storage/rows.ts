/**
 * One row by an exact key in plain SQL, hydrated with the driver's own conversions (booleans,
 * datetimes, transformers): for lookups made on every request (the session behind a token),
 * where building the query through the ORM cost more CPU than the indexed read itself.
 */
import type { DataSource, EntitySchema, ObjectLiteral } from 'typeorm';

const statements = new WeakMap<DataSource, Map<string, string>>();

export async function findRowByKey<T extends ObjectLiteral>(ds: DataSource, entity: EntitySchema<T>, property: keyof T & string, value: string): Promise<T | null> {
  const metadata = ds.getMetadata(entity);
  const column = metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${metadata.name} has no column ${property}`);
  let cache = statements.get(ds);
  if (!cache) statements.set(ds, (cache = new Map()));
  const cacheKey = `${metadata.name}.${property}`;
  let sql = cache.get(cacheKey);
  if (!sql) {
    const escape = (name: string) => ds.driver.escape(name);
    sql = `SELECT ${metadata.columns.map((c) => escape(c.databaseName)).join(', ')} FROM ${escape(metadata.tableName)} WHERE ${escape(column.databaseName)} = ? LIMIT 1`;
    cache.set(cacheKey, sql);
  }
  const [raw] = (await ds.query(sql, [value])) as Record<string, unknown>[];
  if (!raw) return null;
  const row: Record<string, unknown> = {};
  for (const c of metadata.columns) row[c.propertyName] = ds.driver.prepareHydratedValue(raw[c.databaseName], c);
  return row as T;
}
