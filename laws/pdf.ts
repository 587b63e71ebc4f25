/**
 * Text out of a PDF with Mozilla's pdf.js (pdfjs-dist, legacy build for Node): the text layer
 * of every page, lines rejoined into paragraphs. Scanned PDFs have no text layer and give an
 * empty string; encrypted or damaged ones throw.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { InflateBudget, InflateTooLarge } from './inflate.js';
import { reflowLines, unifyRadicals } from './text.js';

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));

interface TextItem {
  str?: string;
  hasEOL?: boolean;
}

/** The text of a PDF, at most `maxPages` pages. */
export async function pdfText(bytes: Uint8Array, options: { maxPages?: number } = {}): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    cMapUrl: `${path.join(pdfjsRoot, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${path.join(pdfjsRoot, 'standard_fonts')}/`,
    verbosity: 0,
  });
  const doc = await task.promise;
  try {
    const lines: string[] = [];
    const pages = Math.min(doc.numPages, options.maxPages ?? 2000);
    for (let n = 1; n <= pages; n += 1) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let line = '';
      for (const item of content.items as TextItem[]) {
        line += item.str ?? '';
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      lines.push(line);
      page.cleanup();
    }
    return reflowLines(lines.map(unifyRadicals));
  } finally {
    await task.destroy();
  }
}

/**
 * The bytes a PDF's Flate streams inflate to, all together, counted while inflating and stopped
 * at `limit` (InflateTooLarge past it). pdf.js inflates a stream whole into ArrayBuffers, which a
 * worker's heap limit does not cap, so a 200 KB PDF whose page inflates to 200 MiB is refused
 * here first. Streams are found by their `stream` … `endstream` keywords (no stream lives inside
 * an object stream); one whose dictionary names FlateDecode is counted; one that does not
 * inflate (encrypted, damaged) is left to pdf.js, which reports it.
 */
export function pdfFlateWithin(bytes: Uint8Array, limit: number): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const budget = new InflateBudget(limit);
  let at = 0;
  for (;;) {
    const keyword = text.indexOf('stream', at);
    if (keyword < 0) return;
    at = keyword + 6;
    if (text.startsWith('end', keyword - 3)) continue;
    let start = at;
    if (text[start] === '\r') start += 1;
    if (text[start] !== '\n') continue; // the word inside something else, not a stream
    start += 1;
    const dictionary = text.slice(Math.max(0, text.lastIndexOf('obj', keyword)), keyword);
    const stop = text.indexOf('endstream', start);
    if (stop < 0) return;
    at = stop + 9;
    if (!dictionary.includes('/FlateDecode') && !dictionary.includes('/Fl ') && !dictionary.includes('/Fl]')) continue;
    try {
      budget.inflate(bytes.subarray(start + 2, stop), false); // after zlib's two-byte header
    } catch (error) {
      if (error instanceof InflateTooLarge) throw error;
    }
  }
}
