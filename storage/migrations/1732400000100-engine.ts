/** The embedded engine's tables (see engine/embedded/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class Engine1732400000100 implements MigrationInterface {
  name = 'Engine1732400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'engine_definition',
      columns: [
        col.key('key', 36), col.string('bpmn_process_id'), col.string('name', 255, true), col.int('version'),
        col.string('resource_name'), col.string('checksum', 64), col.longText(q, 'xml', false), col.datetime(q, 'deployed_at'),
      ],
      uniques: [{ name: 'uq_engine_definition_version', columnNames: ['bpmn_process_id', 'version'] }],
    }), true);
    await q.createTable(new Table({
      name: 'engine_instance',
      columns: [
        col.key('key', 36), col.string('definition_key', 36), col.string('bpmn_process_id'), col.int('version'),
        col.string('state', 16), col.string('business_key', 128, true), col.longText(q, 'engine_state'), col.longText(q, 'variables'),
        col.int('revision', false, 0), col.datetime(q, 'started_at'), col.datetime(q, 'ended_at', true),
        col.string('end_element_id', 255, true),
      ],
      indices: [new TableIndex({ name: 'ix_engine_instance_state', columnNames: ['state'] })],
    }), true);
    const waitColumns = [col.key('key', 36), col.string('instance_key', 36), col.string('execution_id', 128), col.string('element_id')];
    await q.createTable(new Table({
      name: 'engine_user_task',
      columns: [
        ...waitColumns, col.string('name', 255, true), col.string('form_id', 128, true), col.string('assignee', 128, true),
        col.text('candidate_groups', false), col.text('candidate_users', false), col.string('state', 16),
        col.string('bpmn_process_id'), col.int('process_version'), col.datetime(q, 'created_at'), col.datetime(q, 'completed_at', true),
      ],
      uniques: [{ name: 'uq_engine_user_task_execution', columnNames: ['instance_key', 'execution_id'] }],
      indices: [new TableIndex({ name: 'ix_engine_user_task_state', columnNames: ['state', 'assignee'] })],
    }), true);
    await q.createTable(new Table({
      name: 'engine_job',
      columns: [
        ...waitColumns, col.string('type', 128), col.string('state', 16), col.int('retries'), col.int('attempts', false, 0),
        col.text('headers', false), col.datetime(q, 'due_at'), col.text('error_message'), col.string('bpmn_process_id'),
        col.int('process_version'), col.datetime(q, 'created_at'), col.datetime(q, 'completed_at', true),
      ],
      uniques: [{ name: 'uq_engine_job_execution', columnNames: ['instance_key', 'execution_id'] }],
      indices: [new TableIndex({ name: 'ix_engine_job_due', columnNames: ['state', 'due_at'] })],
    }), true);
    await q.createTable(new Table({
      name: 'engine_timer',
      columns: [...waitColumns, col.datetime(q, 'due_at'), col.string('state', 16)],
      uniques: [{ name: 'uq_engine_timer_execution', columnNames: ['instance_key', 'execution_id'] }],
      indices: [new TableIndex({ name: 'ix_engine_timer_due', columnNames: ['state', 'due_at'] })],
    }), true);
    await q.createTable(new Table({
      name: 'engine_message_subscription',
      columns: [...waitColumns, col.string('message_name'), col.string('correlation_key'), col.string('state', 16)],
      uniques: [{ name: 'uq_engine_subscription_execution', columnNames: ['instance_key', 'execution_id'] }],
      indices: [new TableIndex({ name: 'ix_engine_subscription_name', columnNames: ['message_name', 'correlation_key', 'state'] })],
    }), true);
    await q.createTable(new Table({
      name: 'engine_incident',
      columns: [
        col.key('key', 36), col.string('instance_key', 36), col.string('element_id'), col.string('job_key', 36),
        col.string('job_type', 128), col.text('message', false), col.string('state', 16), col.datetime(q, 'created_at'),
        col.datetime(q, 'resolved_at', true),
      ],
      indices: [new TableIndex({ name: 'ix_engine_incident_state', columnNames: ['state'] })],
    }), true);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['engine_incident', 'engine_message_subscription', 'engine_timer', 'engine_job', 'engine_user_task', 'engine_instance', 'engine_definition']) {
      await q.dropTable(table, true);
    }
  }
}
