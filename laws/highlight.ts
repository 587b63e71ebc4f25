/**
 * Where a query's terms occur in a text, as offsets (UTF-16 code units of the text as stored),
 * never as markup: the page wraps those ranges in <mark> and lets Preact escape the text.
 * Matching is on the NFKC, lower-cased form (全角 ＬＥＤ finds LED) mapped back to the
 * original characters. A query's Chinese run is marked where it occurs whole, else by its
 * bigrams; Latin and digit tokens where they occur.
 */

export type Range = [start: number, end: number];

export interface Snippet {
  /** A stretch of the text, line breaks shown as spaces. */
  text: string;
  /** Ranges within `text` to mark, sorted, not overlapping. */
  highlights: Range[];
  /** The stretch starts after the text's start / ends before its end (show an ellipsis). */
  cutStart: boolean;
  cutEnd: boolean;
}

const cjkRun = /[\u3400-\u9fff\uf900-\ufaff]+/g;

/** The normalised text and, for each of its code units, the original range it came from. */
function normalizedView(text: string): { norm: string; from: Int32Array; to: Int32Array } {
  const parts: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i) as number;
    const width = code > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + width);
    const plain = (code >= 0x4e00 && code <= 0x9fff) || (code < 0x80 && !(code >= 65 && code <= 90));
    const n = plain ? ch : ch.normalize('NFKC').toLowerCase();
    parts.push(n);
    for (let k = 0; k < n.length; k += 1) {
      from.push(i);
      to.push(i + width);
    }
    i += width;
  }
  return { norm: parts.join(''), from: Int32Array.from(from), to: Int32Array.from(to) };
}

/** The terms to look for, each with the pieces to fall back on when it is not found whole. */
function queryTerms(query: string): { whole: string; pieces: string[] }[] {
  const q = query.normalize('NFKC').toLowerCase();
  const terms: { whole: string; pieces: string[] }[] = [];
  for (const run of q.match(cjkRun) ?? []) {
    const chars = [...run];
    const pieces = chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i] + c);
    terms.push({ whole: run, pieces });
  }
  for (const token of q.match(/[a-z0-9]+/g) ?? []) if (token.length >= 2) terms.push({ whole: token, pieces: [] });
  return terms;
}

interface Hit {
  start: number;
  end: number;
  term: number;
}

const maxHits = 5000;

function occurrences(norm: string, needle: string, term: number, hits: Hit[]): boolean {
  let found = false;
  for (let at = norm.indexOf(needle); at !== -1 && hits.length < maxHits; at = norm.indexOf(needle, at + 1)) {
    hits.push({ start: at, end: at + needle.length, term });
    found = true;
  }
  return found;
}

/** Every place a query term occurs, in original offsets, sorted by start, tagged with its term. */
function findHits(text: string, query: string): Hit[] {
  const terms = queryTerms(query);
  if (!terms.length || !text) return [];
  const { norm, from, to } = normalizedView(text);
  const hits: Hit[] = [];
  terms.forEach((term, i) => {
    if (!occurrences(norm, term.whole, i, hits)) for (const piece of term.pieces) occurrences(norm, piece, i, hits);
  });
  return hits
    .map((h) => ({ start: from[h.start], end: to[h.end - 1], term: h.term }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

function merge(ranges: Range[]): Range[] {
  const merged: Range[] = [];
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Every range of the text to mark for the query (at most `limit`, from the start). */
export function highlightRanges(text: string, query: string, limit = 1000): Range[] {
  return merge(findHits(text, query).map((h): Range => [h.start, h.end])).slice(0, limit);
}

const isLowSurrogate = (text: string, i: number) => i > 0 && i < text.length && /[\udc00-\udfff]/.test(text[i]);

/**
 * The stretch of about `width` characters that holds the most different query terms (then the
 * most occurrences), starting a little before the first of them; the text's start when none
 * occurs (the match was in the title).
 */
export function snippet(text: string, query: string, width = 120): Snippet {
  const hits = query ? findHits(text, query) : [];
  let start = 0;
  if (hits.length) {
    const counts = new Map<number, number>();
    let best = { i: 0, distinct: 0, total: 0 };
    let j = 0;
    for (let i = 0; i < hits.length; i += 1) {
      while (j < hits.length && hits[j].end <= hits[i].start + width) {
        counts.set(hits[j].term, (counts.get(hits[j].term) ?? 0) + 1);
        j += 1;
      }
      const distinct = counts.size;
      const total = j - i;
      if (distinct > best.distinct || (distinct === best.distinct && total > best.total)) best = { i, distinct, total };
      const left = counts.get(hits[i].term) as number;
      if (left <= 1) counts.delete(hits[i].term);
      else counts.set(hits[i].term, left - 1);
    }
    const first = hits[best.i].start;
    const lastEnd = hits.slice(best.i, best.i + best.total).reduce((m, h) => Math.max(m, h.end), first);
    const slack = Math.max(0, width - (lastEnd - first));
    start = Math.max(0, first - Math.min(20, Math.floor(slack / 2)));
    // begin at the paragraph's start when it is near
    const lineStart = text.lastIndexOf('\n', first - 1) + 1;
    if (lineStart >= start - 10 && lineStart <= first && lineStart + width >= lastEnd) start = lineStart;
  }
  let end = Math.min(text.length, start + width);
  if (end - start < width) start = Math.max(0, end - width);
  if (isLowSurrogate(text, start)) start += 1;
  if (isLowSurrogate(text, end)) end -= 1;
  const highlights = merge(hits.filter((h) => h.start >= start && h.end <= end).map((h): Range => [h.start - start, h.end - start]));
  return { text: text.slice(start, end).replace(/\n/g, ' '), highlights, cutStart: start > 0, cutEnd: end < text.length };
}
