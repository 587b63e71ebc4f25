/** Cases: opening them, their records and timeline (the archive). */
export * from './entities.js';
export * from './schema.js';
export { createCaseService, caseProcessId, type CaseService } from './service.js';
export { createCaseRecordHooks, caseOutcomeByEndEvent } from './record-hooks.js';
export { allocateCaseNumber, formatCaseNumber, shanghaiDay } from './numbering.js';
