/**
 * 案件查询 — case search. Free text in Chinese goes through an n-gram index of our own
 * (`case_search_gram`: overlapping character bigrams of the description and address, plus
 * whole Latin/digit tokens), the same on SQLite and MySQL/MariaDB (MariaDB has no ngram
 * full-text parser), so a search is index lookups, never a LIKE scan of every case. A case
 * matches when it holds every gram of the query; matches are sorted as asked (newest first).
 * The same box takes a case number, its tail (`20261203-0002`, `0002`), the reporter's phone or
 * its last 4 digits (see queryKeys): each one an indexed column, looked up by equality.
 */
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Principal } from '../api/src/http/principal.js';
import { CaseEntity, CaseSearchGramEntity, type CaseRow } from './entities.js';
import { scopeCases, seesAllCases } from './policy.js';
import { entityColumns, hydrateRow } from '../storage/rows.js';

const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Every gram occurrence of a text, repeats kept (term frequencies for ranked search, see
 * laws/): CJK bigrams — a lone CJK character stays a unigram, and with `unigrams` every CJK
 * character is one too — then Latin/digit tokens of two or more characters, after NFKC.
 */
export function gramOccurrences(text: string, options: { unigrams?: boolean } = {}): string[] {
  const grams: string[] = [];
  const normalized = text.normalize('NFKC').toLowerCase();
  for (const run of normalized.match(/[\u3400-\u9fff\uf900-\ufaff]+/g) ?? []) {
    const chars = [...run];
    if (chars.length === 1 || options.unigrams) grams.push(...chars);
    for (let i = 0; i + 1 < chars.length; i += 1) grams.push(chars[i] + chars[i + 1]);
  }
  for (const token of normalized.match(/[a-z0-9]+/g) ?? []) if (token.length >= 2) grams.push(token.slice(0, 32));
  return grams;
}

/** Search grams of a text: CJK bigrams (a lone CJK character stays a unigram) and Latin/digit tokens. */
export function searchGrams(text: string): string[] {
  return [...new Set(gramOccurrences(text))];
}

/** Writes a case's grams (call in the transaction that creates the case). */
export async function indexCase(tx: EntityManager, row: Pick<CaseRow, 'id' | 'description' | 'address' | 'number' | 'createdAt'>): Promise<void> {
  const grams = searchGrams(`${row.description} ${row.address}`);
  if (grams.length) await tx.getRepository(CaseSearchGramEntity).insert(grams.map((gram) => ({ caseId: row.id, gram, createdAt: row.createdAt })));
}

/** The search keys a case carries in its own columns (write them with the case row). */
export function caseSearchKeys(number: string, reporterPhone: string | null | undefined): { numberSeq: string | null; phoneLast4: string | null } {
  const digits = reporterPhone?.replace(/\D/g, '') ?? '';
  return { numberSeq: /^ZF-\d{8}-(\d+)$/.exec(number)?.[1] ?? null, phoneLast4: digits.length >= 4 ? digits.slice(-4) : null };
}

/**
 * What the search box's text may mean besides free text. A whole number (`ZF-20261203-0002`,
 * also without `ZF-` or the dashes) is that case and nothing else; a Chinese mobile number is
 * the reporter's phone; 4–7 digits are a number's daily sequence (`0002`) and, 4 of them, the
 * last digits of a phone. Those two may as well be free text (a house number), so they match
 * either way. Null: only free text.
 */
export interface QueryKeys {
  number?: string;
  phone?: string;
  numberSeq?: string;
  phoneLast4?: string;
}

export function queryKeys(q: string): QueryKeys | null {
  const compact = q.normalize('NFKC').replace(/\s+/g, '');
  const number = /^(?:zf-?)?(\d{8})-?(\d{4,7})$/i.exec(compact);
  if (number) return { number: `ZF-${number[1]}-${number[2]}` };
  const phone = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(compact.replace(/[-()]/g, ''));
  if (phone) return { phone: phone[1] };
  if (/^\d{4,7}$/.test(compact)) return { numberSeq: compact, ...(compact.length === 4 && { phoneLast4: compact }) };
  return null;
}

/**
 * Key matches are gathered (newest first) up to this many before the search filters them: a
 * sequence like `0002` recurs once a day (some 1,800 cases in five years), a phone's last four
 * digits once in 10,000 cases.
 */
export const keyCandidateCap = 5_000;

/**
 * The cases a key query matches, newest first: each key an index lookup of its own (number_seq,
 * phone_last4, reporter_phone, and a digit token's gram), joined by UNION, never an OR over
 * columns (which makes MariaDB scan the table).
 */
export function keyCandidates(keys: Omit<QueryKeys, 'number'>, textGram: string | null): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, value: string | undefined | null) => {
    if (!value) return;
    parts.push(sql);
    params.push(value);
  };
  add('SELECT id AS case_id, created_at FROM case_record WHERE reporter_phone = ?', keys.phone);
  add('SELECT id AS case_id, created_at FROM case_record WHERE number_seq = ?', keys.numberSeq);
  add('SELECT id AS case_id, created_at FROM case_record WHERE phone_last4 = ?', keys.phoneLast4);
  add('SELECT case_id, created_at FROM case_search_gram WHERE gram = ?', textGram);
  return { sql: `SELECT k.case_id AS id FROM (${parts.join(' UNION ')}) k ORDER BY k.created_at DESC LIMIT ?`, params: [...params, keyCandidateCap] };
}

export interface CaseSearch {
  number?: string;
  q?: string;
  status?: string;
  step?: string;
  category?: string;
  unitId?: string;
  areaId?: string;
  source?: string;
  reporterPhone?: string;
  from?: string;
  to?: string;
  sort?: 'createdAt' | 'updatedAt' | 'number';
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const caseSearchQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    number: { type: 'string', maxLength: 32 },
    q: { type: 'string', minLength: 1, maxLength: 100, description: 'the search box: a case number (ZF-20261203-0002) or its tail (20261203-0002, 0002), the reporter\'s phone or its last 4 digits, or free text of the description and address' },
    status: { type: 'string', enum: ['open', 'closed', 'dismissed', 'canceled'] },
    step: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
    category: { type: 'string', maxLength: 64 },
    unitId: { type: 'string', maxLength: 64 },
    areaId: { type: 'string', maxLength: 64 },
    source: { type: 'string', enum: ['sms', 'hotline', 'leader', 'patrol', 'web'] },
    reporterPhone: { type: 'string', pattern: '^\\+?[0-9]{3,15}$' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    sort: { type: 'string', enum: ['createdAt', 'updatedAt', 'number'], default: 'createdAt' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 100000, default: 0 },
  },
} as const;

const sortColumns = { createdAt: 'c.created_at', updatedAt: 'c.updated_at', number: 'c.number' } as const;

/** Totals above this are reported as "at least" (counting every match of a common term is not worth it). */
export const totalCap = 1_000;
/**
 * Free-text matches are counted only this far past the page's start: every counted match costs
 * an index probe per other gram of the query (a common three-gram phrase counted to 1,000 cost
 * 6 ms of MariaDB's time per search, to 200 about 1.3 ms). The first pages say "200+"; paging
 * on moves the count along (offset 200 counts to 400), up to totalCap.
 */
export const textCountWindow = 200;

/** How far a search counts its matches. */
export function searchCountCap(search: Pick<CaseSearch, 'q' | 'offset'>): number {
  // a number or phone names few cases (an index list read by primary key): all are counted
  return search.q && !queryKeys(search.q) ? Math.min(totalCap, search.offset + textCountWindow) : totalCap;
}
/** Gram frequencies are counted up to this many cases: enough to tell which gram is rarest. */
export const gramCountCap = 2_000;

/*
 * Gram frequencies only choose which gram's postings a search walks (the results are the same
 * whichever it is), and they change slowly: each is remembered for a minute rather than counted
 * again by every search (up to 2,000 index entries per gram).
 */
const frequencyTtlMs = 60_000;
const frequencyCapacity = 10_000;
const frequencies = new WeakMap<DataSource, Map<string, { n: number; until: number }>>();

/** How many cases hold the gram, counted up to `cap` (an index range, bounded). */
async function cappedFrequency(ds: DataSource, gram: string, cap: number): Promise<number> {
  let known = frequencies.get(ds);
  if (!known) frequencies.set(ds, (known = new Map()));
  const hit = known.get(gram);
  if (hit && hit.until > Date.now()) return hit.n;
  const rows = await ds.query('SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM case_search_gram WHERE gram = ? LIMIT ?) f', [gram, cap + 1]) as { n: number | string }[];
  const n = Number(rows[0]?.n ?? 0);
  // a gram no case holds yet is not remembered: the next case may bring it
  if (n > 0) {
    if (known.size >= frequencyCapacity) known.delete(known.keys().next().value as string);
    known.set(gram, { n, until: Date.now() + frequencyTtlMs });
  } else known.delete(gram);
  return n;
}

/** Whether the case also holds gram number `i`: one exact-key read of (gram, created_at, case_id). */
function gramProbe(i: number, gram: string, createdAt: string, caseId: string): string {
  return `EXISTS (SELECT 1 FROM case_search_gram g${i} WHERE g${i}.gram = ${gram} AND g${i}.created_at = ${createdAt} AND g${i}.case_id = ${caseId})`;
}

/**
 * Builds the search query (also used by the EXPLAIN test). Free text joins the postings of its
 * rarest gram (`g0`, index gram, created_at, case_id) and checks every other gram by primary key:
 * sorted newest first (the default), the page is read off that index in order and the query
 * stops once it is full, however common the words are. `textOrder` says the results should be
 * ordered by `g0.created_at` rather than `c.created_at` (the same value, read from the index).
 */
export async function caseSearchQuery(ds: DataSource, principal: Principal, search: CaseSearch) {
  const q = ds.getRepository(CaseEntity).createQueryBuilder('c');
  q.where('1 = 1');
  if (search.number) q.andWhere('c.number = :number', { number: search.number.trim().toUpperCase() });
  if (search.status) q.andWhere('c.status = :status', { status: search.status });
  if (search.step) q.andWhere('c.current_step = :step', { step: search.step });
  if (search.category) q.andWhere('c.category = :category', { category: search.category });
  if (search.unitId) q.andWhere('c.unit_id = :unitId', { unitId: search.unitId });
  if (search.areaId) q.andWhere('c.area_id = :areaId', { areaId: search.areaId });
  if (search.source) q.andWhere('c.source = :source', { source: search.source });
  if (search.reporterPhone) q.andWhere('c.reporter_phone = :phone', { phone: search.reporterPhone.replace(/^\+?86(?=1\d{10}$)/, '') });
  if (search.from) q.andWhere('c.created_at >= :from', { from: new Date(search.from) });
  if (search.to) q.andWhere('c.created_at < :to', { to: new Date(search.to) });
  let textOrder = false;
  /** The query's grams, the walked one first (when the text has any a case holds). */
  let walk: string[] = [];
  const keys = search.q ? queryKeys(search.q) : null;
  if (keys?.number) {
    // a whole number is that case (the unique index), whatever else the text could mean
    q.andWhere('c.number = :qNumber', { qNumber: keys.number });
  } else if (search.q && keys) {
    // a number or a phone: the cases its keys (and, for a lone digit token, the text) name,
    // gathered by index first; the page is then read by primary key
    const grams = searchGrams(search.q);
    const { sql, params } = keyCandidates(keys, grams.length === 1 ? grams[0] : null);
    const ids = [...new Set((await ds.query(sql, params) as { id: string }[]).map((r) => r.id))];
    if (ids.length === 0) q.andWhere('1 = 0');
    else q.andWhere('c.id IN (:...qIds)', { qIds: ids });
  } else if (search.q) {
    const grams = searchGrams(search.q);
    if (grams.length === 0 || (grams.length === 1 && !cjk.test(grams[0]) && grams[0].length < 2)) {
      q.andWhere('1 = 0');
    } else {
      const frequencies = await Promise.all(grams.map((g) => cappedFrequency(ds, g, gramCountCap)));
      const order = grams.map((g, i) => ({ g, f: frequencies[i] })).sort((a, b) => a.f - b.f);
      if (order[0].f === 0) {
        q.andWhere('1 = 0');
      } else {
        const params: Record<string, string> = {};
        order.forEach((o, i) => (params[`gram${i}`] = o.g));
        // SQLite: `+c.created_at` keeps the planner from fetching the page's cases through
        // ix_case_created (by time, then each row checked for its id): by primary key the 20
        // rows of a page cost 198 µs instead of 500 µs at 1M cases. The gram side still uses
        // the time in its key. (MySQL picks the primary key by itself.)
        const caseTime = ds.options.type === 'better-sqlite3' ? '+c.created_at' : 'c.created_at';
        q.innerJoin(CaseSearchGramEntity.options.name, 'g0', `g0.gram = :gram0 AND g0.created_at = ${caseTime} AND g0.case_id = c.id`, params);
        for (let i = 1; i < order.length; i++) {
          q.andWhere(gramProbe(i, `:gram${i}`, 'c.created_at', 'c.id'), params);
        }
        textOrder = true;
        walk = order.map((o) => o.g);
      }
    }
  }
  scopeCases(ds, q, principal);
  return { query: q, textOrder, walk };
}

/** The search's ORDER BY: newest first by default; a text search reads the time off its gram index. */
export function orderSearch<T extends object>(query: SelectQueryBuilder<T>, search: Pick<CaseSearch, 'sort' | 'order'>, textOrder: boolean): SelectQueryBuilder<T> {
  const direction = (search.order ?? 'desc').toUpperCase() as 'ASC' | 'DESC';
  const sort = search.sort ?? 'createdAt';
  if (textOrder && sort === 'createdAt') return query.orderBy('g0.created_at', direction).addOrderBy('g0.case_id', direction);
  // no id tie-break here: the filters' indexes end in created_at, and a second sort key would
  // turn an index read into a scan and a sort (the EXPLAIN test checks the real ORDER BY)
  return query.orderBy(sortColumns[sort], direction);
}

const caseFilters = ['number', 'status', 'step', 'category', 'unitId', 'areaId', 'source', 'reporterPhone', 'from', 'to'] as const;

/**
 * The capped count of a text search with nothing else to check (no case filters, and a
 * principal who sees every case): the grams alone decide, so it is counted on the gram index
 * without reading a case row per match.
 */
export function gramOnlyCount(walk: string[], cap: number): { sql: string; params: (string | number)[] } {
  return { sql: `SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM case_search_gram g0 WHERE g0.gram = ?${otherGrams(walk)} LIMIT ?) capped`, params: [...walk, cap + 1] };
}

/** The walked gram's postings (g0) that also hold every other gram: an exact-key probe each. */
function otherGrams(walk: string[]): string {
  return walk.slice(1).map((_g, i) => ` AND ${gramProbe(i + 1, '?', 'g0.created_at', 'g0.case_id')}`).join('');
}

/**
 * The page of such a text search (newest or oldest first) in plain SQL: the walked gram's
 * postings in their index order, the other grams probed by key, each case read by primary key.
 * The most common search there is; building it through the ORM cost more than running it.
 */
export function gramOnlyPage(ds: DataSource, walk: string[], search: Pick<CaseSearch, 'order' | 'limit' | 'offset'>): { sql: string; params: (string | number)[] } {
  const direction = search.order === 'asc' ? 'ASC' : 'DESC';
  return {
    sql: `SELECT ${entityColumns(ds, CaseEntity, 'c')} FROM case_search_gram g0 INNER JOIN case_record c ON c.id = g0.case_id WHERE g0.gram = ?${otherGrams(walk)} ORDER BY g0.created_at ${direction}, g0.case_id ${direction} LIMIT ? OFFSET ?`,
    params: [...walk, search.limit, search.offset],
  };
}

export async function searchCases(ds: DataSource, principal: Principal, search: CaseSearch): Promise<{ items: CaseRow[]; total: number; totalCapped: boolean }> {
  const { query, textOrder, walk } = await caseSearchQuery(ds, principal, search);
  const cap = searchCountCap(search);
  // text with nothing else to check: counted, and read newest or oldest first, on the grams alone
  const gramsAlone = textOrder && seesAllCases(principal) && caseFilters.every((f) => !search[f]);
  let count: { sql: string; params: unknown[] };
  if (gramsAlone) count = gramOnlyCount(walk, cap);
  else {
    const [sql, parameters] = query.clone().select('c.id').getQueryAndParameters();
    count = { sql: `SELECT COUNT(*) AS n FROM (${sql} LIMIT ${cap + 1}) capped`, params: parameters };
  }
  const plain = gramsAlone && (search.sort ?? 'createdAt') === 'createdAt' ? gramOnlyPage(ds, walk, search) : null;
  const [counted, items] = await Promise.all([
    ds.query(count.sql, count.params) as Promise<{ n: number | string }[]>,
    plain
      ? (ds.query(plain.sql, plain.params) as Promise<Record<string, unknown>[]>).then((rows) => rows.map((raw) => hydrateRow(ds, CaseEntity, raw)))
      : orderSearch(query, search, textOrder).limit(search.limit).offset(search.offset).getMany(),
  ]);
  const total = Number(counted[0]?.n ?? 0);
  return { items, total: Math.min(total, cap), totalCapped: total > cap };
}
