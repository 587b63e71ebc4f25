/**
 * Ranked search of the law library: BM25 over the documents' grams (Chinese bigrams, single
 * characters, Latin/digit tokens) with title matches weighted, computed by the database from
 * the `law_gram` postings — the same SQL on SQLite and MySQL / MariaDB, index lookups of the
 * query's grams only. A document must hold most of the query's grams (all of them for one or
 * two), so a query typed as one phrase still finds documents that have its words apart.
 */
import type { DataSource } from 'typeorm';
import { searchGrams } from '../cases/search.js';
import { LawDocumentEntity, type LawDocumentRow, type LawStatus } from './entities.js';
import { ranking } from './postings.js';

export { ranking };

export interface LawSearch {
  q?: string;
  status?: LawStatus;
  limit: number;
  offset: number;
}

export type LawSummary = Omit<LawDocumentRow, 'text'>;

export interface LawSearchResult {
  items: { law: LawSummary; score: number | null }[];
  total: number;
}

export const summaryColumns = [
  'id', 'title', 'issuer', 'docNumber', 'effectiveDate', 'status', 'format', 'mime', 'originalName', 'storagePath', 'sha256', 'bytes',
  'bodyGrams', 'titleGrams', 'uploadedBy', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof LawSummary)[];

const summarySelect = Object.fromEntries(summaryColumns.map((c) => [c, true])) as Record<(typeof summaryColumns)[number], true>;

/** How many of a query's n grams a document must hold. */
export function minimumMatch(n: number): number {
  return n <= 2 ? n : Math.ceil(n * 0.6);
}

const literal = (n: number) => {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return n.toPrecision(12);
};

async function listNewest(ds: DataSource, search: LawSearch): Promise<LawSearchResult> {
  const where = search.status ? { status: search.status } : {};
  const repository = ds.getRepository(LawDocumentEntity);
  const [rows, total] = await Promise.all([
    repository.find({ select: summarySelect, where, order: { effectiveDate: 'DESC', createdAt: 'DESC', id: 'ASC' }, take: search.limit, skip: search.offset }),
    repository.countBy(where),
  ]);
  return { items: rows.map((law) => ({ law, score: null })), total };
}

export async function searchLaws(ds: DataSource, search: LawSearch): Promise<LawSearchResult> {
  if (!search.q?.trim()) return listNewest(ds, search);
  const grams = searchGrams(search.q);
  if (!grams.length) return { items: [], total: 0 };
  const marks = grams.map(() => '?').join(', ');
  const { k1, b, titleWeight } = ranking;
  const [stats] = await ds.query(`SELECT COUNT(*) AS n, AVG(body_grams + ${titleWeight} * title_grams) AS avgdl FROM law_document`) as { n: number | string; avgdl: number | string | null }[];
  const n = Number(stats?.n ?? 0);
  const avgdl = Math.max(1, Number(stats?.avgdl ?? 1));
  const frequencies = await ds.query(`SELECT gram, COUNT(*) AS df FROM law_gram WHERE gram IN (${marks}) GROUP BY gram`, grams) as { gram: string; df: number | string }[];
  const present = frequencies.filter((f) => Number(f.df) > 0);
  const needed = minimumMatch(grams.length);
  if (present.length < needed) return { items: [], total: 0 };
  const idf = present.map((f) => Math.log(1 + (n - Number(f.df) + 0.5) / (Number(f.df) + 0.5)));
  const weight = `CASE p.gram ${present.map((_f, i) => `WHEN ? THEN ${literal(idf[i])}`).join(' ')} ELSE 0 END`;
  const tf = `(p.tf_body + ${titleWeight} * p.tf_title)`;
  const norm = `${literal(k1)} * (${literal(1 - b)} + ${literal(b / avgdl)} * p.doc_length)`;
  const presentMarks = present.map(() => '?').join(', ');
  // postings carry the document length, so only a status filter needs the documents
  const from = search.status
    ? `FROM law_gram p JOIN law_document d ON d.id = p.law_id WHERE p.gram IN (${presentMarks}) AND d.status = ?`
    : `FROM law_gram p WHERE p.gram IN (${presentMarks})`;
  // one pass: the page of the best, and (window over the groups) how many matched in all
  const ranked = await ds.query(
    `SELECT p.law_id AS id, SUM(${weight} * (1e0 * ${tf} * ${literal(k1 + 1)}) / (${tf} + ${norm})) AS score, COUNT(*) OVER () AS total ${from} `
    + `GROUP BY p.law_id HAVING COUNT(*) >= ${needed} ORDER BY score DESC, p.law_id ASC LIMIT ${Math.trunc(search.limit)} OFFSET ${Math.trunc(search.offset)}`,
    [...present.map((f) => f.gram), ...present.map((f) => f.gram), ...(search.status ? [search.status] : [])],
  ) as { id: string; score: number | string; total: number | string }[];
  const total = Number(ranked[0]?.total ?? 0);
  if (!ranked.length) {
    if (search.offset === 0) return { items: [], total: 0 };
    // past the last page: no row carries the total, so count the matches
    const [counted] = await ds.query(`SELECT COUNT(*) AS n FROM (SELECT p.law_id ${from} GROUP BY p.law_id HAVING COUNT(*) >= ${needed}) matched`,
      [...present.map((f) => f.gram), ...(search.status ? [search.status] : [])]) as { n: number | string }[];
    return { items: [], total: Number(counted?.n ?? 0) };
  }
  const rows = await ds.getRepository(LawDocumentEntity).createQueryBuilder('d').select(summaryColumns.map((c) => `d.${c}`)).whereInIds(ranked.map((r) => r.id)).getMany();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return {
    items: ranked.flatMap((r) => (byId.has(r.id) ? [{ law: byId.get(r.id) as LawSummary, score: Number(r.score) }] : [])),
    total,
  };
}
