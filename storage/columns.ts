/**
 * Column helpers shared by every migration and EntitySchema, so one definition serves SQLite
 * and MySQL / MariaDB: long text (LONGTEXT on MySQL), millisecond datetimes stored in UTC, and
 * JSON kept as text with a transformer.
 */
import type { TableColumnOptions, QueryRunner, EntitySchemaColumnOptions, ValueTransformer } from 'typeorm';

export function isMysql(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.options.type === 'mysql' || queryRunner.connection.options.type === 'mariadb';
}

/** Migration column builders. */
export const col = {
  key: (name: string, length = 64): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isPrimary: true }),
  id: (name = 'id'): TableColumnOptions => ({ name, type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
  string: (name: string, length = 255, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable }),
  int: (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable, ...(defaultValue !== undefined && { default: defaultValue }) }),
  bigint: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
  double: (name: string, nullable = true): TableColumnOptions => ({ name, type: 'double', isNullable: nullable }),
  bool: (name: string, defaultValue = false): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: defaultValue }),
  text: (name: string, nullable = true): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  longText: (queryRunner: QueryRunner, name: string, nullable = true): TableColumnOptions => ({ name, type: isMysql(queryRunner) ? 'longtext' : 'text', isNullable: nullable }),
  datetime: (queryRunner: QueryRunner, name: string, nullable = false): TableColumnOptions => ({ name, type: 'datetime', isNullable: nullable, ...(isMysql(queryRunner) && { precision: 3 }) }),
};

/** JSON stored as text. */
export const jsonTransformer: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : value === null ? null : JSON.stringify(value)),
  from: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value ?? null),
};

/** EntitySchema column builders matching the migration builders above. */
export const ecol = {
  key: (name: string, length = 64): EntitySchemaColumnOptions => ({ name, type: 'varchar', length, primary: true }),
  id: (name = 'id'): EntitySchemaColumnOptions => ({ name, type: 'integer', primary: true, generated: 'increment' }),
  string: (name: string, length = 255, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'varchar', length, nullable }),
  int: (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'integer', nullable }),
  double: (name: string, nullable = true): EntitySchemaColumnOptions => ({ name, type: 'double', nullable }),
  bool: (name: string): EntitySchemaColumnOptions => ({ name, type: 'boolean' }),
  text: (name: string, nullable = true): EntitySchemaColumnOptions => ({ name, type: 'text', nullable }),
  json: (name: string, nullable = true): EntitySchemaColumnOptions => ({ name, type: 'text', nullable, transformer: jsonTransformer }),
  datetime: (name: string, nullable = false): EntitySchemaColumnOptions => ({ name, type: 'datetime', nullable }),
};
