/**
 * Text out of office documents: Word .docx through mammoth (the maintained .docx reader), and
 * OpenDocument .odt by reading its content.xml (fflate unzips, saxen parses): paragraphs,
 * headings, list items and table cells become lines; comments, deleted tracked changes and
 * footnote bodies are left out. The archive reaches these readers already bounded (laws/zip.ts:
 * inflated bytes counted while inflating, then stored uncompressed).
 */
import mammoth from 'mammoth';
import { Parser } from 'saxen';

export async function docxText(bytes: Buffer): Promise<string> {
  const result = await mammoth.extractRawText({ buffer: bytes });
  return result.value;
}

const paragraphTags = new Set(['text:p', 'text:h']);
const skippedTags = new Set(['office:annotation', 'text:tracked-changes', 'text:note-body', 'text:note-citation', 'office:automatic-styles', 'office:font-face-decls', 'office:scripts']);

/** The text of an OpenDocument text file's content.xml. */
export function odtText(contentXml: string): string {
  const lines: string[] = [];
  let line = '';
  let skipping = 0;
  let paragraphDepth = 0;
  const parser = new Parser();
  parser.on('openTag', (name, attrs, _decode, selfClosing) => {
    if (skippedTags.has(name)) {
      if (!selfClosing) skipping += 1;
      return;
    }
    if (skipping) return;
    if (paragraphTags.has(name) && !selfClosing) paragraphDepth += 1;
    else if (name === 'text:s') line += ' '.repeat(Math.min(Number(attrs()['text:c'] ?? 1) || 1, 100));
    else if (name === 'text:tab') line += '\t';
    else if (name === 'text:line-break') line += '\n';
    if (paragraphTags.has(name) && selfClosing) lines.push('');
  });
  parser.on('closeTag', (name, _decode, selfClosing) => {
    if (selfClosing) return;
    if (skippedTags.has(name)) {
      skipping -= 1;
      return;
    }
    if (skipping || !paragraphTags.has(name)) return;
    paragraphDepth -= 1;
    if (paragraphDepth === 0) {
      lines.push(line);
      line = '';
    }
  });
  parser.on('text', (text, decode) => {
    if (!skipping && paragraphDepth > 0) line += decode(text);
  });
  parser.on('cdata', (text) => {
    if (!skipping && paragraphDepth > 0) line += text;
  });
  parser.on('error', (error) => {
    throw error;
  });
  parser.parse(contentXml);
  return lines.join('\n');
}
