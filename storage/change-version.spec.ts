/**
 * The change token the task lists' cache trusts: it must move with every committed write to
 * what the lists read, and on MariaDB only then (uncommitted and rolled-back writes, and other
 * tables, leave it alone). A server that refuses triggers still migrates, with no token.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { connectToServer, createTestDatabase, testServerUrl, type TestDatabase } from '../test/support/database.js';
import { insertBulkCases } from '../test/support/bulk-cases.js';
import { changeVersion } from './change-version.js';
import { openDatabase } from './data-source.js';

describe('storage: the change token', function () {
  this.timeout(60_000);
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
    await insertBulkCases(db.dataSource, { cases: 5, openCases: 2, people: { dispatchers: 1, officers: 1 } });
  });
  after(async () => db?.drop());

  it('moves with every committed insert, update and delete of cases, tasks and task offers', async () => {
    const ds = db.dataSource;
    const writes: [string, string, unknown[]][] = [
      ['update a case', "UPDATE case_record SET description = CONCAT(description, '!') WHERE id = (SELECT id FROM (SELECT id FROM case_record ORDER BY id LIMIT 1) x)", []],
      ['update a task', "UPDATE task_record SET name = 'x' WHERE id = (SELECT id FROM (SELECT id FROM task_record ORDER BY id LIMIT 1) x)", []],
      ['insert a task offer', "INSERT INTO task_candidate (task_id, candidate, open, created_at) SELECT id, 'group:extra', 1, created_at FROM task_record ORDER BY id LIMIT 1", []],
      ['close a task offer', "UPDATE task_candidate SET open = 0 WHERE candidate = 'group:extra'", []],
      ['delete a task offer', "DELETE FROM task_candidate WHERE candidate = 'group:extra'", []],
    ];
    for (const [what, sql, params] of writes) {
      const before = await changeVersion(ds);
      expect(before, 'a token').to.be.a('string');
      await ds.query(sql, params);
      expect(await changeVersion(ds), what).to.not.equal(before);
    }
  });

  it('stays put when nothing the lists read has changed', async () => {
    const ds = db.dataSource;
    const before = await changeVersion(ds);
    await ds.query('SELECT COUNT(*) FROM case_record');
    expect(await changeVersion(ds)).to.equal(before);
  });

  it('MariaDB: moves at commit, not before, and not for a rollback or another table', async function () {
    if (db.kind !== 'mysql') this.skip();
    const ds = db.dataSource;
    const writer = ds.createQueryRunner();
    try {
      const start = await changeVersion(ds);
      await writer.startTransaction();
      await writer.query("UPDATE case_record SET address = CONCAT(address, '#')");
      expect(await changeVersion(ds), 'uncommitted').to.equal(start);
      await writer.rollbackTransaction();
      expect(await changeVersion(ds), 'rolled back').to.equal(start);

      await ds.query("INSERT INTO case_search_gram (gram, created_at, case_id) VALUES ('zz', ?, 'not-a-case')", [new Date()]);
      expect(await changeVersion(ds), 'another table').to.equal(start);

      await writer.startTransaction();
      await writer.query("UPDATE case_record SET address = CONCAT(address, '#')");
      await writer.commitTransaction();
      expect(await changeVersion(ds), 'committed').to.not.equal(start);
    } finally {
      await writer.release();
    }
  });

  it('MariaDB: a user who may not create triggers still migrates, and gets no token', async function () {
    const server = testServerUrl();
    if (db.kind !== 'mysql' || !server) this.skip();
    const name = `paidan_test_notrig_${randomBytes(3).toString('hex')}`;
    const user = `paidan_nt_${randomBytes(3).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const admin = await connectToServer(server as string);
    const warnings: string[] = [];
    const warn = console.warn;
    try {
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
      // everything a migration needs except TRIGGER
      await admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE TEMPORARY TABLES, LOCK TABLES ON \`${name}\`.* TO '${user}'@'%'`);
      const url = new URL(server as string);
      url.username = user;
      url.password = password;
      url.pathname = `/${name}`;
      console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
      const restricted = await openDatabase({ url: url.toString() });
      console.warn = warn;
      try {
        expect(warnings.join('\n')).to.match(/cannot create the change-counter triggers/);
        expect(await changeVersion(restricted)).to.equal(null);
        const [{ n }] = await restricted.query('SELECT COUNT(*) AS n FROM case_record') as { n: number | string }[];
        expect(Number(n), 'the schema is there').to.equal(0);
      } finally {
        await restricted.destroy();
      }
    } finally {
      console.warn = warn;
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
      await admin.end();
    }
  });
});
