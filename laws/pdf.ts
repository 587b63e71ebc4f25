/**
 * Text out of a PDF with Mozilla's pdf.js (pdfjs-dist, legacy build for Node): the text layer
 * of every page, lines rejoined into paragraphs. Scanned PDFs have no text layer and give an
 * empty string; encrypted or damaged ones throw.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
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
