/** The case archive (归档): frozen, hash-chained records of closed cases. */
export * from './entities.js';
export { createArchive, type Archive, type ArchiveVerification, type ArchiveProblem, type PhotoHash, type PhotoHashLookup } from './store.js';
export { canonicalJson } from './canonical-json.js';
