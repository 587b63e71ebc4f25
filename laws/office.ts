/**
 * Text out of office documents: Word .docx through mammoth (the maintained .docx reader), and
 * OpenDocument .odt by reading its content.xml (fflate unzips, saxen parses): paragraphs,
 * headings, list items and table cells become lines; comments, deleted tracked changes and
 * footnote bodies are left out. Archives that would inflate past a bound are refused: the bytes
 * are counted while inflating (inflatesWithin), never taken from what the archive declares.
 */
import mammoth from 'mammoth';
import { strFromU8, unzipSync, Unzip, UnzipInflate } from 'fflate';
import { Parser } from 'saxen';

export interface ZipEntry {
  name: string;
  /** Inflated size as the archive declares it. */
  size: number;
}

/** The entries of a zip archive (from its directory; nothing is inflated), or null when it is not a readable zip. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const entries: ZipEntry[] = [];
  try {
    unzipSync(bytes, {
      filter(file) {
        entries.push({ name: file.name, size: file.originalSize });
        return false;
      },
    });
  } catch {
    return null;
  }
  return entries;
}

/**
 * Whether every entry of the archive inflates, all together, to at most `limit` bytes: each is
 * inflated as a stream and its output counted and dropped, stopping at the limit — so an entry
 * that declares 1,000 bytes and inflates to 500 MiB costs the limit, not 500 MiB. False for an
 * archive over the limit; throws for one that does not inflate.
 */
export function inflatesWithin(bytes: Uint8Array, limit: number): boolean {
  let total = 0;
  let over = false;
  const files: { terminate(): void }[] = [];
  const unzip = new Unzip((file) => {
    files.push(file);
    file.ondata = (error, chunk) => {
      if (error) throw error;
      if (over) return;
      total += chunk.length;
      if (total > limit) {
        over = true;
        for (const f of files) f.terminate();
      }
    };
    if (!over) file.start();
  });
  unzip.register(UnzipInflate);
  // in slices, so an archive over the limit stops being read soon after it crosses it
  const slice = 64 * 1024;
  for (let at = 0; at < bytes.length && !over; at += slice) unzip.push(bytes.subarray(at, Math.min(bytes.length, at + slice)), at + slice >= bytes.length);
  return !over;
}

/** Reads one entry of a zip archive as UTF-8. */
export function zipText(bytes: Uint8Array, name: string): string | null {
  const files = unzipSync(bytes, { filter: (file) => file.name === name });
  return files[name] ? strFromU8(files[name]) : null;
}

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
