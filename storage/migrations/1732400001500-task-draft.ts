/** A task's draft (the form as typed so far and the photos uploaded): kept until it is submitted. */
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class TaskDraft1732400001500 implements MigrationInterface {
  name = 'TaskDraft1732400001500';

  async up(q: QueryRunner): Promise<void> {
    const longText = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb' ? 'longtext' : 'text';
    await q.addColumn('task_record', new TableColumn({ name: 'draft', type: longText, isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('task_record', 'draft');
  }
}
