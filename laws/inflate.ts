/**
 * Deflate data inflated against a byte budget shared by every stream of one document: the bytes
 * are counted as they come out and inflating stops past the budget, whatever the file declares.
 * Office archives (zip.ts) and PDF streams (pdf.ts) both go through it.
 */
import { Inflate } from 'fflate';

export class InflateTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the document inflates to more than ${limit} bytes`);
  }
}

export class InflateBudget {
  private total = 0;

  constructor(readonly limit: number) {}

  /** Stored bytes, counted. */
  take(length: number): void {
    this.total += length;
    if (this.total > this.limit) throw new InflateTooLarge(this.limit);
  }

  /** Inflates raw deflate data, counting it; with `keep` false only counts (nothing is held). */
  inflate(data: Uint8Array, keep: boolean): Uint8Array {
    const chunks: Uint8Array[] = [];
    const inflate = new Inflate((chunk) => {
      this.take(chunk.length);
      if (keep) chunks.push(chunk);
    });
    // in small slices: one push can inflate ~1,000 times its size before the count sees it
    const slice = 4096;
    if (!data.length) inflate.push(new Uint8Array(0), true);
    for (let from = 0; from < data.length; from += slice) inflate.push(data.subarray(from, Math.min(data.length, from + slice)), from + slice >= data.length);
    return concat(chunks);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
