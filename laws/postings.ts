/**
 * The search postings of a law document: every gram (cases/search.ts's grams, plus every
 * single Chinese character so one-character queries find documents) with how often it occurs
 * in the title field (title and 文号) and in the body (issuer and text). Ranked search reads them.
 */
import type { EntityManager } from 'typeorm';
import { gramOccurrences } from '../cases/search.js';
import { LawGramEntity, type LawGramRow } from './entities.js';

/** BM25 parameters and the weight of a title occurrence against a body one. */
export const ranking = { k1: 1.2, b: 0.75, titleWeight: 3 };

export interface Postings {
  rows: Omit<LawGramRow, 'lawId' | 'docLength'>[];
  bodyGrams: number;
  titleGrams: number;
}

export function lawPostings(doc: { title: string; docNumber: string | null; issuer: string; text: string }): Postings {
  const tf = new Map<string, { tfBody: number; tfTitle: number }>();
  const count = (text: string, field: 'tfBody' | 'tfTitle') => {
    const grams = gramOccurrences(text, { unigrams: true });
    for (const gram of grams) {
      const entry = tf.get(gram) ?? { tfBody: 0, tfTitle: 0 };
      entry[field] += 1;
      tf.set(gram, entry);
    }
    return grams.length;
  };
  const titleGrams = count(`${doc.title} ${doc.docNumber ?? ''}`, 'tfTitle');
  const bodyGrams = count(`${doc.issuer}\n${doc.text}`, 'tfBody');
  return { rows: [...tf].map(([gram, f]) => ({ gram, ...f })), bodyGrams, titleGrams };
}

/** Replaces a document's postings (in the caller's transaction). */
export async function writePostings(tx: EntityManager, lawId: string, postings: Postings): Promise<void> {
  const repository = tx.getRepository(LawGramEntity);
  const docLength = postings.bodyGrams + ranking.titleWeight * postings.titleGrams;
  await repository.delete({ lawId });
  for (let i = 0; i < postings.rows.length; i += 500) {
    await repository.insert(postings.rows.slice(i, i + 500).map((row) => ({ ...row, lawId, docLength })));
  }
}
