/**
 * Indexes for "the cases I worked on" (an officer's or inspector's case scope): by assignee and
 * by completer, each carrying the case id so the lookup never reads the task rows.
 */
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class TaskPersonIndexes1732400000170 implements MigrationInterface {
  name = 'TaskPersonIndexes1732400000170';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('task_record', new TableIndex({ name: 'ix_task_assignee_case', columnNames: ['assignee', 'case_id'] }));
    await q.createIndex('task_record', new TableIndex({ name: 'ix_task_completed_by_case', columnNames: ['completed_by', 'case_id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('task_record', 'ix_task_completed_by_case');
    await q.dropIndex('task_record', 'ix_task_assignee_case');
  }
}
