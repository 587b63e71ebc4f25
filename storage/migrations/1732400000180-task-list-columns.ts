/**
 * Task lists as single index ranges. `task_record.case_open` (kept by the record hooks) splits
 * 已办 from 办结 without joining the case; `task_candidate.open` and `created_at` let 待办 read the
 * newest tasks offered to a group straight off an index, whatever the table's size.
 */
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { isMysql } from '../columns.js';

export class TaskListColumns1732400000180 implements MigrationInterface {
  name = 'TaskListColumns1732400000180';

  async up(q: QueryRunner): Promise<void> {
    const datetime = { type: 'datetime', isNullable: true, ...(isMysql(q) && { precision: 3 }) };
    await q.addColumn('task_record', new TableColumn({ name: 'case_open', type: 'boolean', isNullable: false, default: true }));
    await q.addColumn('task_candidate', new TableColumn({ name: 'open', type: 'boolean', isNullable: false, default: true }));
    await q.addColumn('task_candidate', new TableColumn({ name: 'created_at', ...datetime }));
    await q.query(`UPDATE task_record SET case_open = 0 WHERE case_id IN (SELECT id FROM case_record WHERE status <> 'open')`);
    await q.query(`UPDATE task_candidate SET open = 0 WHERE task_id IN (SELECT id FROM task_record WHERE state <> 'created' OR assignee IS NOT NULL)`);
    await q.query(`UPDATE task_candidate SET created_at = (SELECT t.created_at FROM task_record t WHERE t.id = task_candidate.task_id)`);
    await q.createIndex('task_record', new TableIndex({ name: 'ix_task_person_list', columnNames: ['completed_by', 'case_open', 'completed_at'] }));
    await q.createIndex('task_candidate', new TableIndex({ name: 'ix_task_candidate_open', columnNames: ['candidate', 'open', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('task_candidate', 'ix_task_candidate_open');
    await q.dropIndex('task_record', 'ix_task_person_list');
    await q.dropColumn('task_candidate', 'created_at');
    await q.dropColumn('task_candidate', 'open');
    await q.dropColumn('task_record', 'case_open');
  }
}
