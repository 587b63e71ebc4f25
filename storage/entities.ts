/**
 * Every TypeORM EntitySchema of the platform, gathered so the DataSource knows them all.
 * Each concept folder defines its own schemas; add them here.
 */
import type { EntitySchema } from 'typeorm';
import { engineEntities } from '../engine/embedded/entities.js';
import { caseEntities } from '../cases/entities.js';
import { taskEntities } from '../tasks/entities.js';
import { archiveEntities } from '../archive/entities.js';
import { smsEntities } from '../sms/entities.js';
import { unitEntities } from '../units/entities.js';
import { identityEntities } from '../identity/entities.js';
import { auditEntities } from '../audit/entities.js';
import { photoEntities } from '../photos/entities.js';
import { lawEntities } from '../laws/entities.js';

export const allEntities: EntitySchema[] = [
  ...(engineEntities as EntitySchema[]),
  ...(caseEntities as EntitySchema[]),
  ...(taskEntities as EntitySchema[]),
  ...(archiveEntities as EntitySchema[]),
  ...(smsEntities as EntitySchema[]),
  ...(unitEntities as EntitySchema[]),
  ...(identityEntities as EntitySchema[]),
  ...(auditEntities as EntitySchema[]),
  ...(photoEntities as EntitySchema[]),
  ...(lawEntities as EntitySchema[]),
];
