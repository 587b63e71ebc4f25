/**
 * Every list and search query runs on an index: EXPLAIN each one (SQLite's QUERY PLAN, or
 * MySQL/MariaDB's EXPLAIN with TEST_DATABASE_URL) over a few thousand rows with statistics,
 * and fail on a full scan of the case or task tables.
 */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { analyze, insertBulkCases } from '../support/bulk-cases.js';
import { currentStepQuery, taskCountQueries, taskViewQueries } from '../../tasks/queries.js';
import { caseSearchQuery, gramOnlyCount, gramOnlyPage, indexCase, keyCandidates, orderSearch, queryKeys, searchCases, textCountWindow, type CaseSearch } from '../../cases/search.js';
import { CaseEntity } from '../../cases/entities.js';
import { testPrincipal as principal } from '../support/principal.js';

const guarded = ['case_record', 'task_record', 'case_search_gram', 'task_candidate', 'task_person_case'];


describe('query plans of the task lists and the case search (no full scans)', function () {
  this.timeout(120_000);
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
    await insertBulkCases(db.dataSource, { cases: 3000, openCases: 600 });
    await analyze(db.dataSource);
  });
  after(async () => db?.drop());

  async function fullScans(sql: string, params: unknown[]): Promise<string[]> {
    if (db.kind === 'mysql') {
      const rows = await db.dataSource.query(`EXPLAIN ${sql}`, params) as { table: string | null; type: string | null; key: string | null }[];
      return rows.filter((r) => r.table && guarded.some((t) => r.table === t || r.table === aliasOf(sql, t)) && r.type === 'ALL').map((r) => `${r.table} ALL`);
    }
    const rows = await db.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params) as { detail: string }[];
    return rows.map((r) => r.detail).filter((d) => /^SCAN /.test(d) && !/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(d))
      .filter((d) => guarded.some((t) => d.includes(t) || new RegExp(`^SCAN ${aliasOf(sql, t)}\\b`).test(d)));
  }

  /** Whether the plan sorts rows (a temp B-tree / filesort) instead of reading an index in order. */
  async function sorts(sql: string, params: unknown[]): Promise<boolean> {
    if (db.kind === 'mysql') {
      const rows = await db.dataSource.query(`EXPLAIN ${sql}`, params) as { Extra: string | null }[];
      return rows.some((r) => /filesort/i.test(r.Extra ?? ''));
    }
    const rows = await db.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params) as { detail: string }[];
    return rows.some((r) => /TEMP B-TREE FOR ORDER BY/.test(r.detail));
  }

  /** The index a text search's page finds each case row by (it should be the primary key). */
  async function caseLookup(sql: string, params: unknown[]): Promise<string> {
    const alias = aliasOf(sql, 'case_record');
    if (db.kind === 'mysql') {
      const rows = await db.dataSource.query(`EXPLAIN ${sql}`, params) as { table: string | null; key: string | null }[];
      return rows.find((r) => r.table === alias || r.table === 'case_record')?.key ?? 'none';
    }
    const rows = await db.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params) as { detail: string }[];
    return rows.map((r) => r.detail).find((d) => new RegExp(`^(SEARCH|SCAN) ${alias}\\b`).test(d))?.replace(/^(SEARCH|SCAN) \w+ USING (COVERING )?INDEX (\w+).*$/, '$3') ?? 'none';
  }

  /** The alias a table has in the SQL (TypeORM writes `"case_record" "c"`, the raw lists `task_record t`). */
  function aliasOf(sql: string, table: string): string {
    const match = new RegExp(`[\`"]?\\b${table}\\b[\`"]?\\s+(?:AS\\s+)?[\`"]?(\\w+)`, 'i').exec(sql);
    const alias = match?.[1];
    return alias && !/^(WHERE|INNER|LEFT|JOIN|ON|ORDER|GROUP|LIMIT)$/i.test(alias) ? alias : table;
  }

  const people = [
    principal('dispatcher3', 'dispatcher'),
    principal('officer7', 'officer', 'U-JD-01'),
    principal('lead1', 'unit-lead', 'U-JD-02'),
    principal('inspector4', 'inspector'),
  ];

  for (const view of ['todo', 'done', 'closed'] as const) {
    it(`${view} list for every role`, async () => {
      for (const p of people) {
        for (const { sql, params } of taskViewQueries(p, view, 20)) {
          expect(await fullScans(sql, params), `${view} as ${p.role}: ${sql}`).to.deep.equal([]);
          expect(await sorts(sql, params), `${view} as ${p.role} reads in index order: ${sql}`).to.equal(false);
        }
        for (const { sql, params } of taskCountQueries(p, view)) {
          expect(await fullScans(sql, params), `${view} count as ${p.role}: ${sql}`).to.deep.equal([]);
        }
      }
    });
  }

  it('已办 / 办结 read a deep page off the index of my cases, and the current steps of a page by case', async () => {
    for (const view of ['done', 'closed'] as const) {
      for (const { sql, params } of taskViewQueries(people[0], view, 50, 900)) {
        expect(await fullScans(sql, params), `${view} deep: ${sql}`).to.deep.equal([]);
        expect(await sorts(sql, params), `${view} deep reads in index order: ${sql}`).to.equal(false);
      }
    }
    const open = await db.dataSource.query("SELECT id FROM case_record WHERE status = 'open' LIMIT 50") as { id: string }[];
    const { sql, params } = currentStepQuery(open.map((c) => c.id));
    expect(await fullScans(sql, params), sql).to.deep.equal([]);
  });

  const searches: [string, Partial<CaseSearch>][] = [
    ['newest first, no filter', {}],
    ['by number', { number: 'ZF-20240101-0000001' }],
    ['Chinese free text', { q: '流动摊贩占道' }],
    ['status + category', { status: 'closed', category: 'noise' }],
    ['unit', { unitId: 'U-GH-01' }],
    ['area', { areaId: 'G-CD-05' }],
    ['reporter phone', { reporterPhone: '13800000042' }],
    ['date range', { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' }],
    ['current step', { step: 'enforce', status: 'open' }],
    ['current step alone', { step: 'enforce' }],
    ['source and text', { source: 'sms', q: '噪音' }],
    ['whole number in the box', { q: 'ZF-20240101-0000001' }],
    ['number tail in the box', { q: '0000042' }],
    ['4 digits in the box (number tail, phone last 4, text)', { q: '0042' }],
    ['phone in the box', { q: '13800000042' }],
    ['phone last 4 and status', { q: '0042', status: 'closed' }],
  ];
  for (const [name, filter] of searches) {
    it(`case search: ${name}, for every role`, async () => {
      for (const p of people) {
        const { query, textOrder } = await caseSearchQuery(db.dataSource, p, { limit: 20, offset: 0, ...filter });
        const [sql, params] = orderSearch(query, {}, textOrder).limit(20).getQueryAndParameters();
        expect(await fullScans(sql, params), `${name} as ${p.role}: ${sql}`).to.deep.equal([]);
      }
    });
  }

  it('free text reads its rarest gram\'s postings newest first (no sort), and finds what a LIKE scan finds', async () => {
    for (const q of ['流动摊贩占道', '占道', '噪音', '解放路']) {
      const { query, textOrder } = await caseSearchQuery(db.dataSource, people[0], { q, limit: 20, offset: 0 });
      expect(textOrder).to.equal(true);
      const [sql, params] = orderSearch(query, {}, textOrder).limit(20).getQueryAndParameters();
      expect(await sorts(sql, params), `${q}: ${sql}`).to.equal(false);
      expect(await caseLookup(sql, params), `${q}: the page's cases by primary key`).to.be.oneOf(['PRIMARY', 'sqlite_autoindex_case_record_1']);
      const { walk } = await caseSearchQuery(db.dataSource, people[0], { q, limit: 20, offset: 0 });
      const { sql: countSql, params: countParams } = gramOnlyCount(walk, textCountWindow);
      expect(await fullScans(countSql, countParams), `${q} count: ${countSql}`).to.deep.equal([]);
      // the plain-SQL page of a text search with nothing else to check, both directions
      for (const order of ['desc', 'asc'] as const) {
        const { sql: pageSql, params: pageParams } = gramOnlyPage(db.dataSource, walk, { order, limit: 20, offset: 0 });
        expect(await fullScans(pageSql, pageParams), `${q} page ${order}: ${pageSql}`).to.deep.equal([]);
        expect(await sorts(pageSql, pageParams), `${q} page ${order} sorts`).to.equal(false);
        expect(await caseLookup(pageSql, pageParams), `${q} page ${order}: cases by primary key`).to.be.oneOf(['PRIMARY', 'sqlite_autoindex_case_record_1']);
      }
      const oldest = await searchCases(db.dataSource, people[0], { q, order: 'asc', limit: 20, offset: 0 });
      const likeOldest = await db.dataSource.query(
        `SELECT id FROM case_record WHERE description LIKE ? OR address LIKE ? ORDER BY created_at ASC, id ASC LIMIT 20`, [`%${q}%`, `%${q}%`],
      ) as { id: string }[];
      expect(oldest.items.map((c) => c.id), `${q} oldest first`).to.deep.equal(likeOldest.map((r) => r.id));
      const found = await searchCases(db.dataSource, people[0], { q, limit: 20, offset: 0 });
      const like = await db.dataSource.query(
        `SELECT id FROM case_record WHERE description LIKE ? OR address LIKE ? ORDER BY created_at DESC, id DESC LIMIT 20`, [`%${q}%`, `%${q}%`],
      ) as { id: string }[];
      expect(found.items.map((c) => c.id), q).to.deep.equal(like.map((r) => r.id));
      // the plain-SQL page hydrates the rows exactly as the ORM does
      const throughOrm = await orderSearch(query, {}, textOrder).limit(20).getMany();
      expect(found.items, `${q}: rows as the ORM reads them`).to.deep.equal(throughOrm);
      const [{ n }] = await db.dataSource.query('SELECT COUNT(*) AS n FROM case_record WHERE description LIKE ? OR address LIKE ?', [`%${q}%`, `%${q}%`]) as { n: number }[];
      // free text counts 200 past the page's start: "200+" on the first pages, more further on
      expect(found.total, q).to.equal(Math.min(Number(n), textCountWindow));
      expect(found.totalCapped, q).to.equal(Number(n) > textCountWindow);
      const further = await searchCases(db.dataSource, people[0], { q, limit: 20, offset: 300 });
      expect(further.total, `${q} from offset 300`).to.equal(Math.min(Number(n), 500));
      expect(further.totalCapped, `${q} from offset 300`).to.equal(Number(n) > 500);
    }
    // with a case filter the count joins the cases (the gram-only count is for unfiltered text)
    for (const q of ['噪音', '占道']) {
      const filtered = await searchCases(db.dataSource, people[0], { q, status: 'closed', limit: 20, offset: 0 });
      const [{ n }] = await db.dataSource.query("SELECT COUNT(*) AS n FROM case_record WHERE status = 'closed' AND (description LIKE ? OR address LIKE ?)", [`%${q}%`, `%${q}%`]) as { n: number }[];
      expect(filtered.total, `${q} closed`).to.equal(Math.min(Number(n), textCountWindow));
      expect(filtered.items.every((c) => c.status === 'closed')).to.equal(true);
    }
    const none = await searchCases(db.dataSource, people[0], { q: '不存在的词语组合', limit: 20, offset: 0 });
    expect(none.total).to.equal(0);
  });

  it('finds a new case at once, whatever gram frequencies earlier searches remembered', async () => {
    const p = people[0];
    expect((await searchCases(db.dataSource, p, { q: '共享单车乱停放', limit: 20, offset: 0 })).total).to.equal(0);
    // counted from offset 800, so up to 1,000: every match counts
    const before = (await searchCases(db.dataSource, p, { q: '噪音', limit: 20, offset: 800 })).total;
    const now = new Date();
    const row = {
      id: 'new-case-1', number: 'ZF-20991231-0001', source: 'web' as const, category: 'noise', description: '共享单车乱停放，夜间噪音', address: '城东区解放路',
      lng: null, lat: null, reporterPhone: null, status: 'open' as const, currentStep: null, processInstanceKey: 'k-new', processVersion: 1, unitId: null,
      inspector: null, officer: null, rounds: 0, createdBy: 'dispatcher3', createdAt: now, updatedAt: now, closedAt: null,
    };
    await db.dataSource.getRepository(CaseEntity).insert(row);
    await indexCase(db.dataSource.manager, row);
    const fresh = await searchCases(db.dataSource, p, { q: '共享单车乱停放', limit: 20, offset: 0 });
    expect(fresh.items.map((c) => c.id)).to.deep.equal(['new-case-1']);
    const noise = await searchCases(db.dataSource, p, { q: '噪音', limit: 20, offset: 0 });
    expect(noise.items[0].id).to.equal('new-case-1');
    expect((await searchCases(db.dataSource, p, { q: '噪音', limit: 20, offset: 800 })).total).to.equal(Math.min(before + 1, 1000));
  });

  it('a number or phone in the box: each key an index lookup, the page read by primary key, and it finds what a scan finds', async () => {
    for (const q of ['0042', '0000042', '13800000042', '1042', '299']) {
      const keys = queryKeys(q);
      if (keys) {
        const { sql, params } = keyCandidates(keys, q);
        expect(await fullScans(sql, params), `${q} keys: ${sql}`).to.deep.equal([]);
        const { query } = await caseSearchQuery(db.dataSource, people[0], { q, limit: 20, offset: 0 });
        const [pageSql, pageParams] = orderSearch(query, {}, false).limit(20).getQueryAndParameters();
        expect(await caseLookup(pageSql, pageParams), `${q}: the page's cases by primary key`).to.be.oneOf(['PRIMARY', 'sqlite_autoindex_case_record_1']);
      }
      const found = await searchCases(db.dataSource, people[0], { q, limit: 20, offset: 0 });
      // the same matches by scanning: the number's sequence, the phone's last 4 digits, the phone, or the text's digit token
      const scan = await db.dataSource.query(
        `SELECT id FROM case_record WHERE SUBSTR(number, 13) = ? OR SUBSTR(reporter_phone, -4) = ? OR reporter_phone = ? OR id IN (SELECT case_id FROM case_search_gram WHERE gram = ?) ORDER BY created_at DESC, id DESC LIMIT 20`,
        [keys?.numberSeq ?? '-', keys?.phoneLast4 ?? '-', keys?.phone ?? '-', q],
      ) as { id: string }[];
      expect(scan.length, `${q} matches something`).to.be.greaterThan(0);
      expect(found.items.map((c) => c.id), q).to.deep.equal(scan.map((r) => r.id));
    }
    expect((await searchCases(db.dataSource, people[0], { q: '9999999', limit: 20, offset: 0 })).total).to.equal(0);
  });

  it('the guard can fail: an unindexed filter is reported', async () => {
    const [sql, params] = db.dataSource.getRepository('Case').createQueryBuilder('c').where('c.address = :a', { a: 'x' }).getQueryAndParameters();
    expect(await fullScans(sql, params)).to.have.length(1);
    // the same in plain SQL with an unquoted alias, as the task lists are written
    expect(await fullScans('SELECT t.id FROM task_record t WHERE t.name = ? LIMIT 20', ['x'])).to.have.length(1);
    expect(await fullScans('SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM task_record t WHERE t.name = ? LIMIT 1001) capped', ['x'])).to.have.length(1);
    expect(await sorts('SELECT t.id FROM task_record t WHERE t.completed_by = ? ORDER BY t.name LIMIT 20', ['x'])).to.equal(true);
  });
});
