/**
 * The task lists read straight from the records: newest first, merged 待办 ranges, and counts
 * that stop at countCap (a dispatcher with thousands of finished tasks sees "1000+").
 */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { insertBulkCases } from '../test/support/bulk-cases.js';
import { testPrincipal as principal } from '../test/support/principal.js';
import { countCap, listTasks } from './queries.js';


describe('task lists and their counts', function () {
  this.timeout(60_000);
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
    // one dispatcher finished a task of every case; 1,200 cases closed, 40 open
    await insertBulkCases(db.dataSource, { cases: countCap + 240, openCases: 40, people: { dispatchers: 1, officers: 200 } });
  });
  after(async () => db?.drop());

  it('counts a list exactly below the cap', async () => {
    const officer = principal('officer3', 'officer', 'U-JD-01');
    const closed = await listTasks(db.dataSource, officer, 'closed', { limit: 20, offset: 0, withCounts: true });
    // officer3 enforces cases 3, 203 … 1203: six closed, and 1203 still open with its next
    // enforcement assigned to them (an odd case's open task is assigned, not offered)
    expect(closed.total).to.equal(6);
    expect(closed.totalCapped).to.equal(false);
    expect(closed.items).to.have.length(6);
    expect(closed.counts).to.deep.equal({ todo: 1, done: 1, closed: 6 });
    expect(closed.countsCapped).to.deep.equal({ todo: false, done: false, closed: false });
    // one item per case: officer3 did one task of each
    expect(new Set(closed.items.map((c) => c.caseId)).size).to.equal(6);
    expect(closed.items.every((c) => c.myTaskCount === 1 && c.mySteps.length === 1 && c.mySteps[0].elementId === 'enforce')).to.equal(true);
    const times = closed.items.map((c) => c.lastDoneAt.getTime());
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
  });

  it('counts a task offered to two of my keys once, and lists it once', async () => {
    const dispatcher = principal('dispatcher0', 'dispatcher');
    const before = await listTasks(db.dataSource, dispatcher, 'todo', { limit: 100, offset: 0 });
    expect(before.total).to.equal(20);
    // one of the group's open tasks is also offered to dispatcher0 by name
    const [{ task_id: both, created_at: at }] = await db.dataSource.query("SELECT task_id, created_at FROM task_candidate WHERE candidate = 'group:dispatcher' AND open = 1 LIMIT 1") as { task_id: string; created_at: unknown }[];
    await db.dataSource.query('INSERT INTO task_candidate (task_id, candidate, open, created_at) VALUES (?, ?, 1, ?)', [both, 'user:dispatcher0', at]);
    const after = await listTasks(db.dataSource, dispatcher, 'todo', { limit: 100, offset: 0, withCounts: true });
    expect(after.total).to.equal(20);
    expect(after.counts?.todo).to.equal(20);
    expect(after.items.filter((t) => t.id === both)).to.have.length(1);
    await db.dataSource.query('DELETE FROM task_candidate WHERE candidate = ?', ['user:dispatcher0']);
  });

  it('stops counting at the cap and says so, while the pages still go on past it', async () => {
    const dispatcher = principal('dispatcher0', 'dispatcher');
    const closed = await listTasks(db.dataSource, dispatcher, 'closed', { limit: 50, offset: 0, withCounts: true });
    expect(closed.total).to.equal(countCap);
    expect(closed.totalCapped).to.equal(true);
    expect(closed.counts?.closed).to.equal(countCap);
    expect(closed.countsCapped?.closed).to.equal(true);
    expect(closed.counts?.done).to.equal(40);
    expect(closed.countsCapped?.done).to.equal(false);
    // 待办: the open tasks offered to the dispatchers' group (every other open case)
    expect(closed.counts?.todo).to.equal(20);
    const deep = await listTasks(db.dataSource, dispatcher, 'closed', { limit: 50, offset: 1150 });
    expect(deep.items).to.have.length(50);
    expect(deep.totalCapped).to.equal(true);
    expect(deep.counts).to.equal(undefined);
  });
});
