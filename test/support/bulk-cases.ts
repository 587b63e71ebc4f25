/**
 * Bulk rows of cases, their search grams, tasks and people's parts in them, written straight into the platform's tables
 * (no engine): what the query-plan test and the API benchmark need in volume.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, TableIndex } from 'typeorm';
import type { CaseRow } from '../../cases/entities.js';
import { caseSearchKeys, searchGrams } from '../../cases/search.js';
import type { TaskRow } from '../../tasks/entities.js';

const places = ['解放路', '建国路', '中山路', '人民路', '环城东路', '凤起路', '庆春路', '延安路', '体育场路', '文三路'];
const problems = ['流动摊贩占道经营', '店外经营', '违章搭建彩钢棚', '电线杆乱张贴小广告', '渣土车撒漏', '绿化带被毁', '夜间施工噪音扰民', '户外广告牌破损', '垃圾暴露堆放', '油烟直排'];
const categories = ['street-vending', 'street-vending', 'illegal-construction', 'illegal-posting', 'muck-spill', 'greenery-damage', 'noise', 'outdoor-advertising', 'exposed-garbage', 'cooking-fumes'];
const units = ['U-JD-01', 'U-JD-02', 'U-GH-01', 'U-SR-01', 'U-YL-01', 'U-HB-01'];
const steps = ['assignInspector', 'verifyReport', 'dispatchToUnit', 'assignOfficer', 'enforce', 'reviewResult', 'assignRecheck', 'recheck'];

export interface BulkOptions {
  /**
   * Load the search grams into an unindexed staging table and move them into
   * `case_search_gram` in key order at the end (`finishBulkGrams`): random inserts into the
   * gram index dominate loading a million cases otherwise.
   */
  stageGrams?: boolean;
  cases: number;
  /** Of those, how many stay open with one open task each. */
  openCases: number;
  /** Completed tasks per closed case (default 2, one by the dispatcher, one by an officer). */
  batch?: number;
  people?: { dispatchers: number; officers: number };
  onProgress?: (done: number) => void;
}

function pick<T>(list: T[], n: number): T {
  return list[n % list.length];
}

/** Inserts the rows in batches of `batch` cases per transaction. */
export async function insertBulkCases(ds: DataSource, options: BulkOptions): Promise<void> {
  sqliteDates = !(ds.options.type === 'mysql' || ds.options.type === 'mariadb');
  if (options.stageGrams) {
    await ds.query('DROP TABLE IF EXISTS gram_stage');
    await ds.query(sqliteDates ? 'CREATE TABLE gram_stage (gram varchar(32), case_id varchar(36), created_at datetime)' : 'CREATE TABLE gram_stage (gram varchar(32), case_id varchar(36), created_at datetime(3)) ENGINE=InnoDB');
  }
  const dispatchers = options.people?.dispatchers ?? 20;
  const officers = options.people?.officers ?? 200;
  const perTx = options.batch ?? 500;
  const start = Date.UTC(2022, 0, 1);
  const span = Date.UTC(2026, 10, 1) - start;
  for (let offset = 0; offset < options.cases; offset += perTx) {
    const n = Math.min(perTx, options.cases - offset);
    const cases: CaseRow[] = [];
    const grams: { caseId: string; gram: string; createdAt: Date }[] = [];
    const tasks: TaskRow[] = [];
    const candidates: { taskId: string; candidate: string; createdAt: Date }[] = [];
    const parts: Cell[][] = [];
    for (let k = 0; k < n; k += 1) {
      const i = offset + k;
      const open = i >= options.cases - options.openCases;
      const createdAt = new Date(start + Math.floor((i / options.cases) * span));
      const id = randomUUID();
      const p = i % problems.length;
      const description = `${pick(places, i * 7)}${100 + (i % 300)}号附近${problems[p]}，群众反映强烈（第${i}件）`;
      const unitId = pick(units, i * 3);
      cases.push({
        id, number: `ZF-${createdAt.toISOString().slice(0, 10).replaceAll('-', '')}-${String(i).padStart(7, '0')}`, source: pick(['sms', 'hotline', 'leader', 'patrol', 'web'] as const, i),
        category: categories[p], description, address: `城东区${pick(places, i * 7)}`, lng: 120.19 + (i % 100) * 0.0003, lat: 30.26 + (i % 77) * 0.0003,
        reporterPhone: `138${String(i).padStart(8, '0')}`, status: open ? 'open' : i % 9 === 0 ? 'dismissed' : 'closed', currentStep: open ? pick(steps, i) : null,
        processInstanceKey: randomUUID(), processVersion: 1, unitId, inspector: `inspector${i % 50}`, officer: `officer${i % officers}`, rounds: 1,
        createdBy: `dispatcher${i % dispatchers}`, createdAt, updatedAt: createdAt, closedAt: open ? null : new Date(createdAt.getTime() + 86_400_000),
      });
      for (const gram of searchGrams(`${description} 城东区${pick(places, i * 7)}`)) grams.push({ caseId: id, gram, createdAt });
      const base = { caseId: id, processInstanceKey: randomUUID(), name: null, formId: null, round: 1, formData: null, caseOpen: open };
      tasks.push({ ...base, id: randomUUID(), elementId: 'assignInspector', name: '派发核实', assignee: `dispatcher${i % dispatchers}`, state: 'completed', createdAt, claimedAt: createdAt, completedAt: createdAt, completedBy: `dispatcher${i % dispatchers}` });
      tasks.push({ ...base, id: randomUUID(), elementId: 'enforce', name: '执法处置', assignee: `officer${i % officers}`, state: 'completed', createdAt, claimedAt: createdAt, completedAt: new Date(createdAt.getTime() + 3_600_000), completedBy: `officer${i % officers}` });
      // each person's part in the case, as the record hooks keep it (one task each here)
      for (const done of tasks.slice(-2)) parts.push([done.completedBy, id, open ? 1 : 0, when(done.completedAt), 1, JSON.stringify([{ elementId: done.elementId, name: done.name, count: 1 }])]);
      if (open) {
        const taskId = randomUUID();
        const offered = i % 2 === 0;
        tasks.push({ ...base, id: taskId, elementId: offered ? 'dispatchToUnit' : 'enforce', name: offered ? '派遣' : '执法处置', assignee: offered ? null : `officer${i % officers}`, state: 'created', createdAt, claimedAt: null, completedAt: null, completedBy: null });
        if (offered) candidates.push({ taskId, candidate: 'group:dispatcher', createdAt });
        else candidates.push({ taskId, candidate: `group:unit-lead:${unitId}`, createdAt });
      }
    }
    await writeRows(ds, { case_record: cases.map(caseColumns), [options.stageGrams ? 'gram_stage' : 'case_search_gram']: grams.map((g) => [g.gram, g.caseId, when(g.createdAt)] as Cell[]), task_record: tasks.map(taskColumns), task_candidate: candidates.map((c) => [c.taskId, c.candidate, 1, when(c.createdAt)]), task_person_case: parts });
    options.onProgress?.(offset + n);
  }
}

const columns: Record<string, string[]> = {
  case_record: ['id', 'number', 'source', 'category', 'description', 'address', 'lng', 'lat', 'reporter_phone', 'number_seq', 'phone_last4', 'status', 'current_step', 'process_instance_key', 'process_version', 'unit_id', 'inspector', 'officer', 'rounds', 'created_by', 'created_at', 'updated_at', 'closed_at'],
  case_search_gram: ['gram', 'case_id', 'created_at'],
  gram_stage: ['gram', 'case_id', 'created_at'],
  task_record: ['id', 'case_id', 'process_instance_key', 'element_id', 'name', 'form_id', 'assignee', 'state', 'round', 'created_at', 'claimed_at', 'completed_at', 'completed_by', 'form_data', 'case_open'],
  task_candidate: ['task_id', 'candidate', 'open', 'created_at'],
  task_person_case: ['person', 'case_id', 'case_open', 'last_done_at', 'task_count', 'steps'],
};

type Cell = string | number | null | Date;

/** Datetimes as the drivers store them: SQLite 'YYYY-MM-DD HH:MM:SS.SSS' (UTC), MySQL a Date. */
let sqliteDates = true;
const when = (d: Date | null): Cell | Date => (d === null ? null : sqliteDates ? d.toISOString().replace('T', ' ').replace('Z', '') : d) as Cell;

function caseColumns(c: CaseRow): Cell[] {
  const keys = caseSearchKeys(c.number, c.reporterPhone);
  return [c.id, c.number, c.source, c.category, c.description, c.address, c.lng, c.lat, c.reporterPhone, keys.numberSeq, keys.phoneLast4, c.status, c.currentStep, c.processInstanceKey, c.processVersion, c.unitId, c.inspector, c.officer, c.rounds, c.createdBy, when(c.createdAt), when(c.updatedAt), when(c.closedAt)] as Cell[];
}

function taskColumns(t: TaskRow): Cell[] {
  return [t.id, t.caseId, t.processInstanceKey, t.elementId, t.name, t.formId, t.assignee, t.state, t.round, when(t.createdAt), when(t.claimedAt), when(t.completedAt), t.completedBy, null, t.caseOpen === false ? 0 : 1] as Cell[];
}

/**
 * Bulk writes below the ORM (TypeORM builds one statement per chunk and is ~20× slower): a
 * prepared statement per row inside one better-sqlite3 transaction, or multi-row INSERTs on MySQL.
 */
async function writeRows(ds: DataSource, rows: Record<string, Cell[][]>): Promise<void> {
  const mysql = ds.options.type === 'mysql' || ds.options.type === 'mariadb';
  if (!mysql) {
    const db = (ds.driver as unknown as { databaseConnection: { prepare(sql: string): { run(...a: Cell[]): void }; transaction(fn: () => void): () => void } }).databaseConnection;
    db.transaction(() => {
      for (const [table, list] of Object.entries(rows)) {
        if (!list.length) continue;
        const statement = db.prepare(`INSERT INTO ${table} (${columns[table].join(', ')}) VALUES (${columns[table].map(() => '?').join(', ')})`);
        for (const row of list) statement.run(...row);
      }
    })();
    return;
  }
  await ds.transaction(async (tx) => {
    for (const [table, list] of Object.entries(rows)) {
      const width = columns[table].length;
      const perStatement = Math.max(1, Math.floor(20_000 / width));
      for (let i = 0; i < list.length; i += perStatement) {
        const chunk = list.slice(i, i + perStatement);
        await tx.query(`INSERT INTO ${table} (${columns[table].join(', ')}) VALUES ${chunk.map(() => `(${Array(width).fill('?').join(', ')})`).join(', ')}`, chunk.flat());
      }
    }
  });
}

/** Moves staged grams into `case_search_gram` in key order and rebuilds its secondary index. */
export async function finishBulkGrams(ds: DataSource): Promise<void> {
  const mysql = ds.options.type === 'mysql' || ds.options.type === 'mariadb';
  await ds.query(mysql ? 'DROP INDEX ix_case_search_gram_case ON case_search_gram' : 'DROP INDEX ix_case_search_gram_case');
  await ds.query('INSERT INTO case_search_gram (gram, case_id, created_at) SELECT gram, case_id, created_at FROM gram_stage ORDER BY gram, created_at, case_id');
  await ds.query('DROP TABLE gram_stage');
  await ds.query('CREATE INDEX ix_case_search_gram_case ON case_search_gram (case_id)');
}

/** Updates the planner's statistics (SQLite ANALYZE, MySQL ANALYZE TABLE). */
export async function analyze(ds: DataSource): Promise<void> {
  if (ds.options.type === 'mysql' || ds.options.type === 'mariadb') {
    for (const table of ['case_record', 'case_search_gram', 'task_record', 'task_candidate', 'task_person_case']) await ds.query(`ANALYZE TABLE ${table}`);
  } else {
    await ds.query('ANALYZE');
  }
}

/**
 * Drops the secondary indexes of the bulk-loaded tables and answers a function that builds them
 * again: InnoDB builds an index from sorted rows far faster than it maintains one under a
 * million random inserts (the keys are random UUIDs).
 */
export async function deferIndexes(ds: DataSource, tables: string[]): Promise<() => Promise<void>> {
  const runner = ds.createQueryRunner();
  const dropped: [string, TableIndex[]][] = [];
  try {
    for (const name of tables) {
      const table = await runner.getTable(name);
      if (!table) continue;
      const indices = table.indices.filter((i) => !i.isUnique);
      for (const index of indices) await runner.dropIndex(table, index);
      dropped.push([name, indices]);
    }
  } finally {
    await runner.release();
  }
  return async () => {
    const again = ds.createQueryRunner();
    try {
      for (const [name, indices] of dropped) if (indices.length) await again.createIndices(name, indices);
    } finally {
      await again.release();
    }
  };
}
