/**
 * Whether a failed write broke a primary or unique key: SQLite (better-sqlite3) and MySQL /
 * MariaDB (mysql2) name it differently, and TypeORM wraps either in a QueryFailedError.
 * A store turns it into 409 `conflict` — a twin saved between its look-up and its insert —
 * instead of letting it reach the API as 500.
 */
export function isUniqueViolation(error: unknown): boolean {
  const driver = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (driver as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'ER_DUP_ENTRY';
}
