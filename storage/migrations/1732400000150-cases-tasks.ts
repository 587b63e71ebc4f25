/** The platform's case and task records (cases/entities.ts, tasks/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class CasesTasks1732400000150 implements MigrationInterface {
  name = 'CasesTasks1732400000150';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'case_record',
      columns: [
        col.key('id', 36), col.string('number', 32), col.string('source', 16), col.string('category', 64),
        col.text('description', false), col.string('address', 255), col.double('lng'), col.double('lat'),
        col.string('reporter_phone', 32, true), col.string('status', 16), col.string('current_step', 64, true),
        col.string('process_instance_key', 36), col.int('process_version'), col.string('unit_id', 64, true),
        col.string('inspector', 128, true), col.string('officer', 128, true), col.int('rounds', false, 0),
        col.string('created_by', 128), col.datetime(q, 'created_at'), col.datetime(q, 'updated_at'), col.datetime(q, 'closed_at', true),
      ],
      uniques: [
        { name: 'uq_case_number', columnNames: ['number'] },
        { name: 'uq_case_instance', columnNames: ['process_instance_key'] },
      ],
      indices: [
        new TableIndex({ name: 'ix_case_status_created', columnNames: ['status', 'created_at'] }),
        new TableIndex({ name: 'ix_case_created', columnNames: ['created_at'] }),
        new TableIndex({ name: 'ix_case_category', columnNames: ['category', 'created_at'] }),
        new TableIndex({ name: 'ix_case_unit', columnNames: ['unit_id', 'created_at'] }),
        new TableIndex({ name: 'ix_case_reporter', columnNames: ['reporter_phone'] }),
        new TableIndex({ name: 'ix_case_inspector', columnNames: ['inspector'] }),
        new TableIndex({ name: 'ix_case_officer', columnNames: ['officer'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'case_event',
      columns: [
        col.id('id'), col.string('case_id', 36), col.datetime(q, 'at'), col.string('actor', 128, true), col.string('type', 48),
        col.string('element_id', 64, true), col.string('task_id', 36, true), col.int('round', false, 0), col.longText(q, 'data'),
      ],
      indices: [new TableIndex({ name: 'ix_case_event_case', columnNames: ['case_id', 'id'] })],
    }), true);
    await q.createTable(new Table({
      name: 'case_number_seq',
      columns: [col.key('day', 8), col.int('last', false, 0)],
    }), true);
    // (gram, case_id) is the primary key: a search looks grams up and reads case ids off the index
    await q.createTable(new Table({
      name: 'case_search_gram',
      columns: [{ ...col.string('gram', 32), isPrimary: true }, { ...col.string('case_id', 36), isPrimary: true }],
      indices: [new TableIndex({ name: 'ix_case_search_gram_case', columnNames: ['case_id'] })],
    }), true);
    await q.createTable(new Table({
      name: 'task_record',
      columns: [
        col.key('id', 36), col.string('case_id', 36), col.string('process_instance_key', 36), col.string('element_id', 64),
        col.string('name', 255, true), col.string('form_id', 128, true), col.string('assignee', 128, true), col.string('state', 16),
        col.int('round', false, 0), col.datetime(q, 'created_at'), col.datetime(q, 'claimed_at', true),
        col.datetime(q, 'completed_at', true), col.string('completed_by', 128, true), col.longText(q, 'form_data'),
      ],
      indices: [
        new TableIndex({ name: 'ix_task_state_assignee', columnNames: ['state', 'assignee', 'created_at'] }),
        new TableIndex({ name: 'ix_task_completed_by', columnNames: ['completed_by', 'completed_at'] }),
        new TableIndex({ name: 'ix_task_case', columnNames: ['case_id', 'created_at'] }),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'task_candidate',
      columns: [
        { ...col.string('task_id', 36), isPrimary: true },
        { ...col.string('candidate', 160), isPrimary: true },
      ],
      indices: [new TableIndex({ name: 'ix_task_candidate', columnNames: ['candidate', 'task_id'] })],
    }), true);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['task_candidate', 'task_record', 'case_search_gram', 'case_number_seq', 'case_event', 'case_record']) await q.dropTable(table, true);
  }
}
