/** Units, officers, rosters, unit leads, case categories, areas and their revision (units/entities.ts). */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { col } from '../columns.js';

export class Units1732400000400 implements MigrationInterface {
  name = 'Units1732400000400';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'unit',
      columns: [col.key('id', 32), col.string('name', 128), col.string('kind', 32), col.string('phone', 32, true), col.bool('active', true)],
    }), true);
    await q.createTable(new Table({
      name: 'unit_officer',
      columns: [
        col.key('username', 128), col.string('display_name', 128), col.string('unit_id', 32), col.string('phone', 32, true),
        col.text('duty_weekdays', false), col.double('last_lng'), col.double('last_lat'), col.datetime(q, 'last_position_at', true),
        col.bool('active', true),
      ],
      indices: [new TableIndex({ name: 'ix_unit_officer_unit', columnNames: ['unit_id'] })],
    }), true);
    await q.createTable(new Table({
      name: 'unit_roster',
      columns: [col.id(), col.string('username', 128), col.string('duty_date', 10), col.string('shift', 16), col.bool('on_duty', true)],
      uniques: [{ name: 'uq_unit_roster', columnNames: ['username', 'duty_date', 'shift'] }],
      indices: [new TableIndex({ name: 'ix_unit_roster_date', columnNames: ['duty_date'] })],
    }), true);
    await q.createTable(new Table({
      name: 'unit_lead',
      columns: [{ ...col.string('username', 128), isPrimary: true }, { ...col.string('unit_id', 32), isPrimary: true }],
      indices: [new TableIndex({ name: 'ix_unit_lead_unit', columnNames: ['unit_id'] })],
    }), true);
    await q.createTable(new Table({
      name: 'case_category',
      columns: [
        col.key('code', 64), col.string('name_zh', 64), col.string('name_en', 128), col.string('default_unit_id', 32, true),
        col.string('override_unit_id', 32, true), col.int('time_limit_hours'), col.bool('active', true),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'area',
      columns: [
        col.key('id', 64), col.string('name', 128), col.string('kind', 16), col.longText(q, 'geometry', false),
        col.double('min_lng', false), col.double('min_lat', false), col.double('max_lng', false), col.double('max_lat', false),
        col.string('default_unit_id', 32, true), col.datetime(q, 'updated_at'),
      ],
    }), true);
    await q.createTable(new Table({
      name: 'area_category_unit',
      columns: [{ ...col.string('area_id', 64), isPrimary: true }, { ...col.string('category', 64), isPrimary: true }, col.string('unit_id', 32)],
    }), true);
    await q.createTable(new Table({
      name: 'units_revision',
      columns: [{ ...col.int('id'), isPrimary: true }, col.int('revision')],
    }), true);
    await q.query('INSERT INTO units_revision (id, revision) VALUES (?, ?)', [1, 0]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['units_revision', 'area_category_unit', 'area', 'case_category', 'unit_lead', 'unit_roster', 'unit_officer', 'unit']) {
      await q.dropTable(table, true);
    }
  }
}
