/** 执法文件 — the law library: upload, text extraction, ranked Chinese search, reading (see README.md). */
import type { DataSource } from 'typeorm';
import { LawLibrary, type LawLibraryConfig } from './library.js';

export { LawLibrary, DEFAULT_LAW_MAX_BYTES, type LawLibraryConfig, type LawMetadata, type StagedFile } from './library.js';
export { LawDocumentEntity, LawGramEntity, lawEntities, lawFormats, lawStatuses, type LawDocumentRow, type LawGramRow, type LawFormat, type LawStatus } from './entities.js';
export { extractDocument, type ExtractedDocument, type ExtractOptions } from './extract.js';
export { searchLaws, ranking, type LawSearch, type LawSearchResult, type LawSummary } from './search.js';
export { snippet, highlightRanges, type Snippet, type Range } from './highlight.js';
export { seedDemoLaws, demoLaws } from './demo.js';
export { registerLawRoutes } from './routes.js';

export function createLawLibrary(deps: { dataSource: DataSource; config?: LawLibraryConfig }): LawLibrary {
  return new LawLibrary(deps.dataSource, deps.config);
}
