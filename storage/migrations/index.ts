/**
 * The ordered list of schema migrations. Each migration uses TypeORM's QueryRunner table API
 * (not raw SQL) so one file serves SQLite and MySQL / MariaDB alike. Append, never edit a
 * migration that has shipped.
 */
import type { MigrationInterface } from 'typeorm';
import { Engine1732400000100 } from './1732400000100-engine.js';
import { CasesTasks1732400000150 } from './1732400000150-cases-tasks.js';
import { Archive1732400000160 } from './1732400000160-archive.js';
import { TaskPersonIndexes1732400000170 } from './1732400000170-task-person-indexes.js';
import { TaskListColumns1732400000180 } from './1732400000180-task-list-columns.js';
import { CaseArea1732400000190 } from './1732400000190-case-area.js';
import { Sms1732400000200 } from './1732400000200-sms.js';
import { Units1732400000400 } from './1732400000400-units.js';
import { IdentityAudit1732400000500 } from './1732400000500-identity-audit.js';
import { Photos1732400000300 } from './1732400000300-photos.js';
import { Laws1732400000600 } from './1732400000600-laws.js';
import { LawGramLength1732400000710 } from './1732400000710-law-gram-length.js';
import { SearchGramTime1732400000700 } from './1732400000700-search-gram-time.js';
import { ChangeCounter1732400000800 } from './1732400000800-change-counter.js';
import { EngineIncidentInstance1732400000900 } from './1732400000900-engine-incident-instance.js';
import { StrandedTasks1732400000950 } from './1732400000950-stranded-tasks.js';
import { IdentityNameLockout1732400001000 } from './1732400001000-identity-name-lockout.js';
import { CaseSearchKeys1732400001100 } from './1732400001100-case-search-keys.js';
import { CaseRelated1732400001400 } from './1732400001400-case-related.js';
import { TaskDraft1732400001500 } from './1732400001500-task-draft.js';
import { TaskPersonCase1732400001600 } from './1732400001600-task-person-case.js';
import { ArchivePerInstance1732400006317 } from './1732400006317-archive-per-instance.js';

type MigrationClass = new () => MigrationInterface;

export const allMigrations: MigrationClass[] = [
  Engine1732400000100,
  CasesTasks1732400000150,
  Archive1732400000160,
  TaskPersonIndexes1732400000170,
  TaskListColumns1732400000180,
  CaseArea1732400000190,
  Sms1732400000200,
  Units1732400000400,
  IdentityAudit1732400000500,
  Photos1732400000300,
  Laws1732400000600,
  SearchGramTime1732400000700,
  LawGramLength1732400000710,
  ChangeCounter1732400000800,
  EngineIncidentInstance1732400000900,
  StrandedTasks1732400000950,
  IdentityNameLockout1732400001000,
  CaseSearchKeys1732400001100,
  CaseRelated1732400001400,
  TaskDraft1732400001500,
  TaskPersonCase1732400001600,
  ArchivePerInstance1732400006317,
];
