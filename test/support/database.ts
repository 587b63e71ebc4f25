/**
 * Test databases: a fresh, migrated database per call. SQLite by default (a temp file);
 * with TEST_DATABASE_URL=mysql://user:pass@host:port the same suite runs on MySQL / MariaDB,
 * each call creating (and `drop()` dropping) its own database on that server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../storage/data-source.js';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  kind: 'sqlite' | 'mysql';
  /** Closes the connection and deletes the database. */
  drop(): Promise<void>;
}

export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** A connection to the MySQL / MariaDB server of a `mysql://` URL (no database), to create and drop databases. */
export function connectToServer(serverUrl: string): Promise<mysql.Connection> {
  const base = new URL(serverUrl);
  return mysql.createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username || 'root'),
    password: decodeURIComponent(base.password || ''),
  });
}

/** A URL for a new, empty database (not yet created on MySQL: see createTestDatabaseUrl). */
export async function createTestDatabaseUrl(): Promise<{ url: string; kind: 'sqlite' | 'mysql'; cleanup: () => Promise<void> }> {
  const server = testServerUrl();
  const name = `paidan_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (server) {
    const admin = await connectToServer(server);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: 'mysql',
      cleanup: async () => {
        const conn = await connectToServer(server);
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await conn.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-test-'));
  return {
    url: `sqlite:${path.join(dir, 'paidan.sqlite')}`,
    kind: 'sqlite',
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { url, kind, cleanup } = await createTestDatabaseUrl();
  const dataSource = await openDatabase({ url });
  return {
    url,
    kind,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await cleanup();
    },
  };
}
