/**
 * Tables of the law library (执法文件): `law_document`, one row per uploaded regulation with
 * its metadata, the text read out of it and where its original file lies; and `law_gram`, the
 * search postings (gram → document, with term frequencies in body and title) that ranked
 * Chinese search reads on SQLite and MySQL / MariaDB alike.
 */
import { EntitySchema } from 'typeorm';
import { ecol } from '../storage/columns.js';

export const lawFormats = ['pdf', 'docx', 'odt', 'markdown', 'text'] as const;
export type LawFormat = (typeof lawFormats)[number];
export const lawStatuses = ['effective', 'repealed'] as const;
export type LawStatus = (typeof lawStatuses)[number];

export interface LawDocumentRow {
  id: string;
  title: string;
  issuer: string;
  /** 文号, e.g. 国务院令第101号; null when the document has none. */
  docNumber: string | null;
  /** 施行日期, `YYYY-MM-DD` (a calendar date, no time zone). */
  effectiveDate: string;
  /** `repealed` (已废止) documents stay readable and searchable on request. */
  status: LawStatus;
  format: LawFormat;
  mime: string;
  /** The uploaded file's name, as the browser sent it (shown on download). */
  originalName: string | null;
  /** Path under the law folder, `ab/<sha256>.<ext>`. */
  storagePath: string;
  sha256: string;
  bytes: number;
  /** The text read out of the file: paragraphs separated by `\n`. */
  text: string;
  /** Gram occurrences in the text and in the title (BM25 document length). */
  bodyGrams: number;
  titleGrams: number;
  uploadedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface LawGramRow {
  gram: string;
  lawId: string;
  tfBody: number;
  tfTitle: number;
  /** The document's BM25 length (body grams + 3 × title grams), copied here so ranking needs no join. */
  docLength: number;
}

export const LawDocumentEntity = new EntitySchema<LawDocumentRow>({
  name: 'LawDocument',
  tableName: 'law_document',
  columns: {
    id: ecol.key('id', 36),
    title: ecol.string('title', 200),
    issuer: ecol.string('issuer', 100),
    docNumber: ecol.string('doc_number', 100, true),
    effectiveDate: ecol.string('effective_date', 10),
    status: ecol.string('status', 16),
    format: ecol.string('format', 16),
    mime: ecol.string('mime', 100),
    originalName: ecol.string('original_name', 255, true),
    storagePath: ecol.string('storage_path', 255),
    sha256: ecol.string('sha256', 64),
    bytes: ecol.int('bytes'),
    text: ecol.text('text', false),
    bodyGrams: ecol.int('body_grams'),
    titleGrams: ecol.int('title_grams'),
    uploadedBy: ecol.string('uploaded_by', 128),
    createdAt: ecol.datetime('created_at'),
    updatedAt: ecol.datetime('updated_at'),
  },
});

export const LawGramEntity = new EntitySchema<LawGramRow>({
  name: 'LawGram',
  tableName: 'law_gram',
  columns: {
    gram: { ...ecol.string('gram', 32), primary: true },
    lawId: { ...ecol.string('law_id', 36), primary: true },
    tfBody: ecol.int('tf_body'),
    tfTitle: ecol.int('tf_title'),
    docLength: ecol.int('doc_length'),
  },
});

export const lawEntities = [LawDocumentEntity, LawGramEntity];
