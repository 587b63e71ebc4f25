/**
 * Units (责任单位), officers, rosters, categories and areas: the data model behind the admin
 * API and the `unit-assign` worker's suggestions. This file is the folder's public surface.
 */
export * from './entities.js';
export * from './geometry.js';
export { parseAreaUpload, areaIdFor, type AreaDraft } from './area-upload.js';
export * from './schema.js';
export * from './store.js';
export { areaAt } from './area-at.js';
export { AreaIndex, buildSnapshot, type AssignmentSnapshot, type IndexedArea } from './area-index.js';
export { suggestUnit, areaUnitFor, type UnitCandidate, type UnitSuggestion, type UnitSuggestionOptions, type UnitSuggestionInput } from './unit-suggestion.js';
export { suggestOfficer, rankOfficers, type OfficerCandidate, type OfficerSuggestion, type OfficerRankingOptions } from './officer-suggestion.js';
export { createUnitDirectory, type UnitDirectory, type UnitDirectoryOptions } from './directory.js';
