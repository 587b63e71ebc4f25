/**
 * The law library: takes an upload (streamed to a temporary file, hashed and size-checked as
 * it arrives), reads its text, and keeps it — the original under the law folder by content
 * hash (`ab/<sha256>.<ext>`), the row and its search postings in one transaction — or keeps
 * nothing at all when any step refuses. Also edits metadata, deletes, and opens originals.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sweepPartFiles } from '../storage/part-files.js';
import { In, type DataSource } from 'typeorm';
import { DomainError } from '../errors/index.js';
import { LawDocumentEntity, LawGramEntity, type LawDocumentRow, type LawStatus } from './entities.js';
import { extractOffThread } from './extract-thread.js';
import { lawPostings, writePostings } from './postings.js';
import { searchLaws, type LawSearch, type LawSearchResult } from './search.js';

export interface LawLibraryConfig {
  /** Folder for the originals (default `data/laws`). */
  dir?: string;
  /** Largest upload accepted, in bytes (default 20 MB). */
  maxBytes?: number;
  /** Longest text accepted, in characters (default 2,000,000). */
  maxTextChars?: number;
}

export interface LawMetadata {
  title: string;
  issuer: string;
  docNumber?: string | null;
  /** `YYYY-MM-DD`. */
  effectiveDate: string;
  status?: LawStatus;
}

/** An upload received whole into a temporary file, not yet a document. */
export interface StagedFile {
  path: string;
  sha256: string;
  bytes: number;
  /** Removes the temporary file (safe to call twice). */
  discard(): Promise<void>;
}

export const DEFAULT_LAW_MAX_BYTES = 20 * 1024 * 1024;

const exists = (file: string) => access(file).then(() => true, () => false);
const notFound = (id: string) => new DomainError('law.not_found', `no law document ${id}`);

export class LawLibrary {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly maxTextChars: number | undefined;

  constructor(
    readonly dataSource: DataSource,
    config: LawLibraryConfig = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = path.resolve(config.dir ?? path.join('data', 'laws'));
    this.maxBytes = config.maxBytes ?? DEFAULT_LAW_MAX_BYTES;
    this.maxTextChars = config.maxTextChars;
  }

  /** Removes part files left by uploads a killed process was receiving (call before serving). */
  sweepPartFiles(): Promise<number> {
    return sweepPartFiles(path.join(this.dir, '.tmp'));
  }

  /** Receives an upload into a temporary file; throws `law.too_large` (and keeps nothing) past the limit. */
  async stage(source: Readable | AsyncIterable<Uint8Array> | Buffer): Promise<StagedFile> {
    const tmpDir = path.join(this.dir, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const file = path.join(tmpDir, `${randomUUID()}.part`);
    const discard = () => rm(file, { force: true });
    const hash = createHash('sha256');
    const limit = this.maxBytes;
    let bytes = 0;
    try {
      await pipeline(Buffer.isBuffer(source) ? Readable.from([source]) : source, async function* count(chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          if (bytes > limit) throw new DomainError('law.too_large', `the file is larger than ${limit} bytes`, { field: 'file' });
          hash.update(chunk);
          yield chunk;
        }
      }, createWriteStream(file, { flags: 'wx' }));
    } catch (error) {
      await discard();
      throw error;
    }
    return { path: file, sha256: hash.digest('hex'), bytes, discard };
  }

  /**
   * Makes a staged upload a document: reads its text (refusing what is not a supported
   * document), stores the original and writes the row with its postings. The staged file is
   * gone afterwards whatever happens; on refusal nothing is kept.
   */
  async add(staged: StagedFile, metadata: LawMetadata, by: { uploadedBy: string; originalName?: string | null }): Promise<LawDocumentRow> {
    let finalPath: string | null = null;
    let createdFile = false;
    try {
      const twin = await this.dataSource.getRepository(LawDocumentEntity).findOne({ where: { sha256: staged.sha256 }, select: { id: true } });
      if (twin) throw new DomainError('law.duplicate', `the same file is already document ${twin.id}`, { field: 'file', existingId: twin.id });
      // in a worker thread of its own: a heavy or hostile document never blocks the other requests
      const extracted = await extractOffThread(await readFile(staged.path), { filename: by.originalName, maxTextChars: this.maxTextChars });
      const storagePath = `${staged.sha256.slice(0, 2)}/${staged.sha256}.${extracted.ext}`;
      finalPath = path.join(this.dir, storagePath);
      await mkdir(path.dirname(finalPath), { recursive: true });
      if (!(await exists(finalPath))) {
        await rename(staged.path, finalPath); // same file system: the original appears whole or not at all
        createdFile = true;
      }
      const at = new Date(Math.floor(this.now().getTime()));
      const row: LawDocumentRow = {
        id: randomUUID(),
        title: metadata.title.trim(),
        issuer: metadata.issuer.trim(),
        docNumber: metadata.docNumber?.trim() || null,
        effectiveDate: metadata.effectiveDate,
        status: metadata.status ?? 'effective',
        format: extracted.format,
        mime: extracted.mime,
        originalName: by.originalName?.slice(0, 255) || null,
        storagePath,
        sha256: staged.sha256,
        bytes: staged.bytes,
        text: extracted.text,
        bodyGrams: 0,
        titleGrams: 0,
        uploadedBy: by.uploadedBy,
        createdAt: at,
        updatedAt: at,
      };
      const postings = lawPostings(row);
      row.bodyGrams = postings.bodyGrams;
      row.titleGrams = postings.titleGrams;
      await this.dataSource.transaction(async (tx) => {
        await tx.getRepository(LawDocumentEntity).insert(row);
        await writePostings(tx, row.id, postings);
      });
      return row;
    } catch (error) {
      if (createdFile && finalPath && (await this.dataSource.getRepository(LawDocumentEntity).countBy({ sha256: staged.sha256 })) === 0) await rm(finalPath, { force: true });
      throw error;
    } finally {
      await staged.discard();
    }
  }

  async get(id: string): Promise<LawDocumentRow | null> {
    return this.dataSource.getRepository(LawDocumentEntity).findOneBy({ id });
  }

  async require(id: string): Promise<LawDocumentRow> {
    const row = await this.get(id);
    if (!row) throw notFound(id);
    return row;
  }

  search(search: LawSearch): Promise<LawSearchResult> {
    return searchLaws(this.dataSource, search);
  }

  /** The texts of some documents (for a result page's snippets). */
  async texts(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource.getRepository(LawDocumentEntity).find({ where: { id: In(ids) }, select: { id: true, text: true } });
    return new Map(rows.map((row) => [row.id, row.text]));
  }

  /** Changes metadata; a new title or 文号 re-indexes the document in the same transaction. */
  async update(id: string, patch: Partial<LawMetadata>): Promise<LawDocumentRow> {
    return this.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(LawDocumentEntity);
      const row = await repository.findOneBy({ id });
      if (!row) throw notFound(id);
      const next: LawDocumentRow = {
        ...row,
        ...(patch.title !== undefined && { title: patch.title.trim() }),
        ...(patch.issuer !== undefined && { issuer: patch.issuer.trim() }),
        ...(patch.docNumber !== undefined && { docNumber: patch.docNumber?.trim() || null }),
        ...(patch.effectiveDate !== undefined && { effectiveDate: patch.effectiveDate }),
        ...(patch.status !== undefined && { status: patch.status }),
        updatedAt: new Date(Math.floor(this.now().getTime())),
      };
      if (next.title !== row.title || next.docNumber !== row.docNumber || next.issuer !== row.issuer) {
        const postings = lawPostings(next);
        next.bodyGrams = postings.bodyGrams;
        next.titleGrams = postings.titleGrams;
        await writePostings(tx, id, postings);
      }
      const { id: _id, text: _text, ...changes } = next;
      await repository.update({ id }, changes);
      return next;
    });
  }

  /** Deletes the document, its postings and its original. */
  async remove(id: string): Promise<void> {
    const row = await this.dataSource.transaction(async (tx) => {
      const found = await tx.getRepository(LawDocumentEntity).findOne({ where: { id }, select: { id: true, storagePath: true, sha256: true } });
      if (!found) throw notFound(id);
      await tx.getRepository(LawGramEntity).delete({ lawId: id });
      await tx.getRepository(LawDocumentEntity).delete({ id });
      return found;
    });
    if ((await this.dataSource.getRepository(LawDocumentEntity).countBy({ sha256: row.sha256 })) === 0) await rm(path.join(this.dir, row.storagePath), { force: true });
  }

  /** The original file of a document. */
  async openOriginal(id: string): Promise<{ law: LawDocumentRow; stream: ReadStream }> {
    const law = await this.require(id);
    const file = path.join(this.dir, law.storagePath);
    if (!(await exists(file))) throw new DomainError('law.not_found', `the original of ${id} is missing from the law folder`);
    return { law, stream: createReadStream(file) };
  }

  /** How many files the law folder holds (temporary ones included): tests check nothing is left behind. */
  async countFiles(): Promise<number> {
    const entries = await readdir(this.dir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).length;
  }
}
