/**
 * The engine's scheduler skips the jobs and timers of instances held by an open recovery
 * incident (engine/embedded/incidents.ts): an index answers that per candidate row, however
 * many incidents have accumulated.
 */
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class EngineIncidentInstance1732400000900 implements MigrationInterface {
  name = 'EngineIncidentInstance1732400000900';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('engine_incident', new TableIndex({ name: 'ix_engine_incident_instance', columnNames: ['instance_key', 'state', 'job_key'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('engine_incident', 'ix_engine_incident_instance');
  }
}
