/**
 * 已办 / 办结 list cases, not tasks: task_person_case holds a person's part in each case they
 * worked on (the steps they did and how often, when they last did one, whether the case is
 * still open), kept by the record hooks in the transaction of each completion. A page is one
 * range of (person, case_open, last_done_at, case_id) read in order; grouping a person's
 * thousands of task rows on every poll would not stay cheap.
 *
 * Filled here from the task records already written, person by person, in batches of their
 * rows ordered by case, so a million archived cases never sit in memory at once.
 *
 * On MySQL / MariaDB the table gets the change-counter triggers (migration 1732400000800) the
 * lists' cache reads its token from; without the privilege to create them the lists are read
 * afresh on every request, as there.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col, isMysql } from '../columns.js';
import { changeTriggerName, changeTriggerSql } from './1732400000800-change-counter.js';

export const personCaseCounterTables = ['task_person_case'] as const;
const events = ['INSERT', 'UPDATE', 'DELETE'] as const;

/** Errors that mean "not allowed to create triggers here" (as in migration 1732400000800). */
const privilegeErrors = new Set(['ER_BINLOG_CREATE_ROUTINE_NEED_SUPER', 'ER_TABLEACCESS_DENIED_ERROR', 'ER_SPECIFIC_ACCESS_DENIED_ERROR']);

/** Task rows read per statement while filling. */
const batchRows = 5000;

interface DoneRow { case_id: string; element_id: string; name: string | null; completed_at: unknown; case_open: unknown }
interface Part { caseId: string; open: boolean; last: unknown; lastMs: number; count: number; steps: { elementId: string; name: string | null; count: number; firstMs: number }[] }

const millis = (value: unknown) => (value instanceof Date ? value.getTime() : new Date(`${String(value).replace(' ', 'T')}${/Z$|[+-]\d\d:?\d\d$/.test(String(value)) ? '' : 'Z'}`).getTime());

function partOf(caseId: string, rows: DoneRow[]): Part {
  const part: Part = { caseId, open: true, last: null, lastMs: -Infinity, count: 0, steps: [] };
  for (const row of rows) {
    const at = millis(row.completed_at);
    part.count += 1;
    if (Number(row.case_open) === 0 || row.case_open === false) part.open = false;
    if (at > part.lastMs) [part.lastMs, part.last] = [at, row.completed_at];
    const step = part.steps.find((s) => s.elementId === row.element_id);
    if (step) {
      step.count += 1;
      step.firstMs = Math.min(step.firstMs, at);
      step.name ??= row.name;
    } else part.steps.push({ elementId: row.element_id, name: row.name, count: 1, firstMs: at });
  }
  part.steps.sort((a, b) => a.firstMs - b.firstMs);
  return part;
}

export class TaskPersonCase1732400001600 implements MigrationInterface {
  name = 'TaskPersonCase1732400001600';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'task_person_case',
      columns: [
        { ...col.string('person', 128), isPrimary: true }, { ...col.string('case_id', 36), isPrimary: true },
        col.bool('case_open', true), col.datetime(q, 'last_done_at'), col.int('task_count', false, 0), { ...col.longText(q, 'steps'), isNullable: false },
      ],
      indices: [
        new TableIndex({ name: 'ix_task_person_case_list', columnNames: ['person', 'case_open', 'last_done_at', 'case_id'] }),
        new TableIndex({ name: 'ix_task_person_case_case', columnNames: ['case_id'] }),
      ],
    }), true);
    await this.fill(q);
    if (isMysql(q)) await this.triggers(q);
  }

  private async fill(q: QueryRunner): Promise<void> {
    const people = await q.query('SELECT DISTINCT completed_by AS person FROM task_record WHERE completed_by IS NOT NULL') as { person: string }[];
    for (const { person } of people) {
      let after = '';
      let past = false;
      for (;;) {
        // rows of cases from `after` on (that case again when the last batch may have cut it)
        let rows = await q.query(
          `SELECT case_id, element_id, name, completed_at, case_open FROM task_record WHERE completed_by = ? AND state = 'completed' AND case_id ${past ? '>' : '>='} ? ORDER BY case_id LIMIT ${batchRows}`,
          [person, after],
        ) as DoneRow[];
        const full = rows.length === batchRows;
        let cases = [...new Set(rows.map((r) => r.case_id))];
        if (full && cases.length === 1) {
          // one case fills the batch: read all of it
          rows = await q.query("SELECT case_id, element_id, name, completed_at, case_open FROM task_record WHERE completed_by = ? AND state = 'completed' AND case_id = ?", [person, cases[0]]) as DoneRow[];
        } else if (full) cases = cases.slice(0, -1); // the batch may end inside its last case: that case starts the next one
        const byCase = new Map<string, DoneRow[]>();
        for (const row of rows) {
          const list = byCase.get(row.case_id);
          if (list) list.push(row);
          else byCase.set(row.case_id, [row]);
        }
        const parts = cases.map((id) => partOf(id, byCase.get(id) ?? []));
        for (let i = 0; i < parts.length; i += 200) {
          const chunk = parts.slice(i, i + 200);
          await q.query(
            `INSERT INTO task_person_case (person, case_id, case_open, last_done_at, task_count, steps) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
            chunk.flatMap((p) => [person, p.caseId, p.open ? 1 : 0, p.last, p.count, JSON.stringify(p.steps.map(({ elementId, name, count }) => ({ elementId, name, count })))]) as unknown[],
          );
        }
        if (!full) break;
        after = cases[cases.length - 1];
        past = true;
      }
    }
  }

  private async triggers(q: QueryRunner): Promise<void> {
    try {
      for (const table of personCaseCounterTables) for (const event of events) await q.query(changeTriggerSql(table, event));
    } catch (error) {
      if (!privilegeErrors.has((error as { code?: string }).code ?? '')) throw error;
      for (const table of personCaseCounterTables) for (const event of events) await q.query(`DROP TRIGGER IF EXISTS ${changeTriggerName(table, event)}`);
      console.warn(`[paidan] cannot create the change-counter triggers of task_person_case (${(error as Error).message}); task lists will be read afresh on every request (see storage/migrations/1732400000800-change-counter.ts).`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (isMysql(q)) for (const table of personCaseCounterTables) for (const event of events) await q.query(`DROP TRIGGER IF EXISTS ${changeTriggerName(table, event)}`);
    await q.dropTable('task_person_case', true);
  }
}
