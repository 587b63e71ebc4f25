/**
 * The task lists reused while the database is unchanged: never older than the last write —
 * this process's own, one rolled back, or another connection's or process's commit — on SQLite
 * and on MariaDB; never reused inside a SQLite transaction or where MariaDB has no change
 * counter (the triggers could not be created).
 */
import { expect } from 'chai';
import { openDatabase } from '../storage/data-source.js';
import { changeVersion } from '../storage/change-version.js';
import { changeTriggerName, changeTriggerSql } from '../storage/migrations/1732400000800-change-counter.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { insertBulkCases } from '../test/support/bulk-cases.js';
import { testPrincipal as principal } from '../test/support/principal.js';
import { createTaskLists } from './list-cache.js';
import { listTasks } from './queries.js';

describe('task lists reused until the database changes', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  const dispatcher = principal('dispatcher0', 'dispatcher');
  const page = { limit: 20, offset: 0, withCounts: true };
  const firstOpenTask = async () => ((await db.dataSource.query("SELECT task_id FROM task_candidate WHERE candidate = 'group:dispatcher' AND open = 1 ORDER BY created_at DESC LIMIT 1")) as { task_id: string }[])[0].task_id;

  before(async () => {
    db = await createTestDatabase();
    await insertBulkCases(db.dataSource, { cases: 60, openCases: 10, people: { dispatchers: 1, officers: 5 } });
  });
  after(async () => db?.drop());

  it('answers what a fresh read answers, and after a write what the write made', async () => {
    const lists = createTaskLists(db.dataSource);
    const first = await lists(dispatcher, 'todo', page);
    expect(JSON.stringify(first)).to.equal(JSON.stringify(await listTasks(db.dataSource, dispatcher, 'todo', page)));
    const again = await lists(dispatcher, 'todo', page);
    expect(again, 'unchanged: the same answer, not read again').to.equal(first);

    const task = await firstOpenTask();
    await db.dataSource.query("UPDATE task_candidate SET open = 0 WHERE task_id = ?", [task]);
    const after = await lists(dispatcher, 'todo', page);
    expect(after.items.map((t) => t.id)).to.not.include(task);
    expect(after.counts?.todo).to.equal((first.counts?.todo ?? 0) - 1);
    await db.dataSource.query("UPDATE task_candidate SET open = 1 WHERE task_id = ?", [task]);
    expect((await lists(dispatcher, 'todo', page)).items.map((t) => t.id)).to.include(task);
  });

  it('reads once for requests that ask for the same list at the same moment after a write', async () => {
    const lists = createTaskLists(db.dataSource);
    const task = await firstOpenTask();
    await lists(dispatcher, 'todo', page);
    await db.dataSource.query('UPDATE task_candidate SET open = 0 WHERE task_id = ?', [task]);
    try {
      const together = await Promise.all(Array.from({ length: 5 }, () => lists(dispatcher, 'todo', page)));
      for (const answer of together) expect(answer, 'one read, shared').to.equal(together[0]);
      expect(together[0].items.map((t) => t.id)).to.not.include(task);
      const others = await Promise.all([lists(dispatcher, 'done', page), lists(dispatcher, 'todo', { ...page, limit: 3 })]);
      expect(others[0]).to.not.equal(others[1]);
      expect(others[1].items).to.have.length(3);
    } finally {
      await db.dataSource.query('UPDATE task_candidate SET open = 1 WHERE task_id = ?', [task]);
    }
  });

  it('keeps answers per person and request', async () => {
    const lists = createTaskLists(db.dataSource);
    const todo = await lists(dispatcher, 'todo', page);
    const done = await lists(dispatcher, 'done', page);
    const other = await lists(principal('officer1', 'officer', 'U-JD-01'), 'todo', page);
    const smaller = await lists(dispatcher, 'todo', { ...page, limit: 2 });
    expect(done).to.not.equal(todo);
    expect(other).to.not.equal(todo);
    expect(smaller.items).to.have.length(2);
    expect(todo.items).to.have.length.above(2);
  });

  it('reads 已办 again after a write to the people\'s parts in cases alone (an operator\'s SQL)', async () => {
    const lists = createTaskLists(db.dataSource);
    const before = await lists(dispatcher, 'done', page);
    const [first] = before.items;
    await db.dataSource.query('UPDATE task_person_case SET case_open = 0 WHERE person = ? AND case_id = ?', [dispatcher.username, first.caseId]);
    try {
      const after = await lists(dispatcher, 'done', page);
      expect(after.items.map((c) => c.caseId)).to.not.include(first.caseId);
      expect(after.counts?.done).to.equal((before.counts?.done ?? 0) - 1);
    } finally {
      await db.dataSource.query('UPDATE task_person_case SET case_open = 1 WHERE person = ? AND case_id = ?', [dispatcher.username, first.caseId]);
    }
  });

  it('reads again after a rolled-back transaction, and never keeps what a transaction sees', async function () {
    if (db.kind !== 'sqlite') this.skip(); // the MariaDB form is the next test
    const lists = createTaskLists(db.dataSource);
    const before = await lists(dispatcher, 'todo', page);
    const task = await firstOpenTask();
    let inside: unknown = 'not run';
    await db.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE task_candidate SET open = 0 WHERE task_id = ?', [task]);
      inside = await changeVersion(db.dataSource);
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(inside, 'no token inside a transaction').to.equal(null);
    const after = await lists(dispatcher, 'todo', page);
    expect(after, 'read again').to.not.equal(before);
    expect(JSON.stringify(after)).to.equal(JSON.stringify(before));
  });

  it('MariaDB: keeps the answer while a write is uncommitted or rolled back, and reads again once it commits', async function () {
    if (db.kind !== 'mysql') this.skip();
    const lists = createTaskLists(db.dataSource);
    const before = await lists(dispatcher, 'todo', page);
    const task = await firstOpenTask();
    const writer = db.dataSource.createQueryRunner();
    try {
      await writer.startTransaction();
      await writer.query('UPDATE task_candidate SET open = 0 WHERE task_id = ?', [task]);
      expect(await lists(dispatcher, 'todo', page), 'uncommitted: nothing to see yet').to.equal(before);
      await writer.rollbackTransaction();
      expect(await lists(dispatcher, 'todo', page), 'rolled back: still the same').to.equal(before);

      await writer.startTransaction();
      await writer.query('UPDATE task_candidate SET open = 0 WHERE task_id = ?', [task]);
      await writer.commitTransaction();
      const after = await lists(dispatcher, 'todo', page);
      expect(after.items.map((t) => t.id)).to.not.include(task);
      expect(after.counts?.todo).to.equal((before.counts?.todo ?? 0) - 1);
    } finally {
      await writer.query('UPDATE task_candidate SET open = 1 WHERE task_id = ?', [task]);
      await writer.release();
    }
  });

  it('MariaDB: reads every time when the change-counter triggers are missing', async function () {
    if (db.kind !== 'mysql') this.skip();
    const trigger = changeTriggerName('case_record', 'UPDATE');
    await db.dataSource.query(`DROP TRIGGER ${trigger}`);
    const other = await openDatabase({ url: db.url });
    try {
      expect(await changeVersion(other)).to.equal(null);
      const lists = createTaskLists(other);
      const first = await lists(dispatcher, 'todo', page);
      const again = await lists(dispatcher, 'todo', page);
      expect(again, 'read again').to.not.equal(first);
      expect(JSON.stringify(again)).to.equal(JSON.stringify(first));
    } finally {
      await other.destroy();
      await db.dataSource.query(changeTriggerSql('case_record', 'UPDATE'));
    }
    const restored = await openDatabase({ url: db.url });
    try {
      expect(await changeVersion(restored), 'the triggers are back: a token again').to.be.a('string');
    } finally {
      await restored.destroy();
    }
  });

  it('sees a commit made by another connection (a second process)', async function () {
    const lists = createTaskLists(db.dataSource);
    const before = await lists(dispatcher, 'todo', page);
    const other = await openDatabase({ url: db.url });
    const task = await firstOpenTask();
    try {
      await other.query('UPDATE task_candidate SET open = 0 WHERE task_id = ?', [task]);
      const after = await lists(dispatcher, 'todo', page);
      expect(after.items.map((t) => t.id)).to.not.include(task);
      expect(after.counts?.todo).to.equal((before.counts?.todo ?? 0) - 1);
    } finally {
      await other.query('UPDATE task_candidate SET open = 1 WHERE task_id = ?', [task]);
      await other.destroy();
    }
    expect((await lists(dispatcher, 'todo', page)).items.map((t) => t.id)).to.include(task);
  });

  it('keeps at most maxEntries answers, dropping the least recently used', async function () {
    const lists = createTaskLists(db.dataSource, 2);
    const a = await lists(dispatcher, 'todo', page);
    const b = await lists(dispatcher, 'done', page);
    expect(await lists(dispatcher, 'todo', page)).to.equal(a); // a is now the most recent
    await lists(dispatcher, 'closed', page); // drops b
    expect(await lists(dispatcher, 'todo', page)).to.equal(a);
    expect(await lists(dispatcher, 'done', page)).to.not.equal(b);
  });
});
