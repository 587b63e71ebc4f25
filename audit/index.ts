/** The audit log: append-only, hash-chained, searchable by admins. */
export * from './entities.js';
export { createAuditLog, requestOrigin, auditGenesisHash, type AuditLog, type AuditEntry, type AuditQuery, type AuditPage, type AuditVerification } from './log.js';
export { registerAuditRoutes } from './routes.js';
