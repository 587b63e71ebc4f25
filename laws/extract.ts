/**
 * Says what an uploaded law document really is — from its bytes, never its name or declared
 * type — and reads its text: PDF, Word .docx, OpenDocument .odt, Markdown or plain text
 * (UTF-8, UTF-16 with BOM, or GB18030/GBK as Chinese office PCs still save). Anything else
 * is refused with `law.unsupported_type`; a file of that type that gives no text with
 * `law.unreadable`.
 */
import { fileTypeFromBuffer } from 'file-type';
import { Lexer, type Token } from 'marked';
import { DomainError } from '../errors/index.js';
import type { LawFormat } from './entities.js';
import { strFromU8 } from 'fflate';
import { docxText, odtText } from './office.js';
import { InflateTooLarge } from './inflate.js';
import { pdfFlateWithin, pdfText } from './pdf.js';
import { boundedCopy, centralDirectory, type ZipEntry } from './zip.js';
import { tidyText } from './text.js';

export interface ExtractedDocument {
  format: LawFormat;
  mime: string;
  /** File extension the original is stored under. */
  ext: string;
  text: string;
}

export interface ExtractOptions {
  /** The name the file was uploaded with: only tells Markdown from plain text. */
  filename?: string | null;
  /** Refuse text longer than this many characters (default 2,000,000). */
  maxTextChars?: number;
  /** Refuse office archives that inflate to more than this many bytes, counted while inflating (default 100 MB). */
  maxInflatedBytes?: number;
}

const mimes: Record<LawFormat, { mime: string; ext: string }> = {
  pdf: { mime: 'application/pdf', ext: 'pdf' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  odt: { mime: 'application/vnd.oasis.opendocument.text', ext: 'odt' },
  markdown: { mime: 'text/markdown', ext: 'md' },
  text: { mime: 'text/plain', ext: 'txt' },
};

const unsupported = (what: string) => new DomainError('law.unsupported_type', `${what}: upload PDF, Word (.docx), OpenDocument (.odt), Markdown or plain text`, { field: 'file' });
const unreadable = (why: string, cause?: unknown) => new DomainError('law.unreadable', why, { field: 'file', cause });

/** Decodes text bytes, or null when they are not text (NULs, control characters, undecodable). */
export function decodeText(bytes: Uint8Array): string | null {
  let text: string | null = null;
  const tryDecode = (encoding: string, data: Uint8Array) => {
    try {
      return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(data);
    } catch {
      return null;
    }
  };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = tryDecode('utf-16le', bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = tryDecode('utf-16be', bytes);
  else if (!bytes.includes(0)) text = tryDecode('utf-8', bytes) ?? tryDecode('gb18030', bytes);
  if (text === null) return null;
  const sample = text.slice(0, 20_000);
  const control = sample.match(/[^\P{Cc}\t\n\r\f]|\ufffd/gu)?.length ?? 0;
  if (control > Math.max(2, sample.length / 1000)) return null;
  return text;
}

/** Markdown to plain text: headings, paragraphs, list items and table rows on their own lines; no markup. */
export function markdownText(markdown: string): string {
  const lines: string[] = [];
  const inline = (tokens: Token[] | undefined, raw: string): string => {
    if (!tokens) return raw;
    return tokens.map((t) => {
      if (t.type === 'br') return '\n';
      if (t.type === 'image') return (t as { text?: string }).text ?? '';
      if ('tokens' in t && Array.isArray(t.tokens)) return inline(t.tokens, '');
      if (t.type === 'html') return '';
      return 'text' in t ? String(t.text) : t.raw;
    }).join('');
  };
  const walk = (tokens: Token[], prefix = '') => {
    for (const t of tokens) {
      switch (t.type) {
        case 'heading':
        case 'paragraph':
          lines.push(prefix + inline(t.tokens, t.text));
          break;
        case 'text':
          lines.push(prefix + inline((t as { tokens?: Token[] }).tokens, t.text));
          break;
        case 'list':
          for (const item of t.items) walk(item.tokens, prefix);
          break;
        case 'blockquote':
          walk(t.tokens ?? [], prefix);
          break;
        case 'code':
          lines.push(...t.text.split('\n'));
          break;
        case 'table':
          lines.push(t.header.map((c: { tokens: Token[]; text: string }) => inline(c.tokens, c.text)).join('\t'));
          for (const row of t.rows) lines.push(row.map((c: { tokens: Token[]; text: string }) => inline(c.tokens, c.text)).join('\t'));
          break;
        case 'space':
        case 'hr':
        case 'html':
          break;
        default:
          if ('text' in t) lines.push(prefix + String(t.text));
      }
    }
  };
  walk(new Lexer({ gfm: true }).lex(markdown));
  return lines.join('\n');
}

async function officeText(bytes: Buffer, options: ExtractOptions): Promise<{ format: 'docx' | 'odt'; text: string } | null> {
  let entries: ZipEntry[];
  try {
    entries = centralDirectory(bytes);
  } catch {
    return null; // not a zip: another format, or unreadable
  }
  const names = new Set(entries.map((e) => e.name));
  const isDocx = names.has('[Content_Types].xml') && names.has('word/document.xml');
  if (!isDocx && !(names.has('mimetype') && names.has('content.xml'))) return null;
  const limit = options.maxInflatedBytes ?? 100 * 1024 * 1024;
  const declared = entries.reduce((sum, e) => sum + e.declaredSize, 0);
  if (declared > limit) throw new DomainError('law.too_large', `the document declares ${declared} inflated bytes; at most ${limit}`, { field: 'file' });
  let copy: ReturnType<typeof boundedCopy>;
  try {
    // what it declares may be a lie: count what it really inflates to, through the same index the
    // readers use (laws/zip.ts), and give them only what was counted
    copy = boundedCopy(bytes, limit);
  } catch (error) {
    if (error instanceof InflateTooLarge) throw new DomainError('law.too_large', `the document inflates to more than ${limit} bytes (it declares ${declared})`, { field: 'file' });
    throw unreadable(`the ${isDocx ? '.docx' : '.odt'} file is damaged: ${(error as Error).message}`, error);
  }
  const text = (name: string) => { const f = copy.files.get(name); return f ? strFromU8(f) : null; };
  if (!isDocx && text('mimetype')?.trim() !== mimes.odt.mime) return null;
  try {
    if (isDocx) return { format: 'docx', text: await docxText(Buffer.from(copy.archive.buffer, copy.archive.byteOffset, copy.archive.byteLength)) };
    return { format: 'odt', text: odtText(text('content.xml') ?? '') };
  } catch (error) {
    throw unreadable(`the ${isDocx ? '.docx' : '.odt'} file is damaged: ${(error as Error).message}`, error);
  }
}

/** Sniffs the type and reads the text; throws DomainError (`law.unsupported_type`, `law.unreadable`, `law.too_large`). */
export async function extractDocument(bytes: Buffer, options: ExtractOptions = {}): Promise<ExtractedDocument> {
  if (bytes.length === 0) throw unreadable('the file is empty');
  const sniffed = await fileTypeFromBuffer(bytes);
  let format: LawFormat;
  let raw: string;
  if (sniffed?.mime === 'application/pdf') {
    format = 'pdf';
    const limit = options.maxInflatedBytes ?? 100 * 1024 * 1024;
    try {
      pdfFlateWithin(bytes, limit);
    } catch (error) {
      if (error instanceof InflateTooLarge) throw new DomainError('law.too_large', `the PDF's streams inflate to more than ${limit} bytes`, { field: 'file' });
      throw error;
    }
    try {
      raw = await pdfText(bytes);
    } catch (error) {
      const name = (error as Error).name;
      throw unreadable(name === 'PasswordException' ? 'the PDF is password-protected' : `the PDF cannot be read: ${(error as Error).message}`, error);
    }
  } else if (sniffed?.ext === 'zip' || sniffed?.ext === 'docx' || sniffed?.ext === 'odt') {
    const office = await officeText(bytes, options);
    if (!office) throw unsupported(`a ${sniffed.ext === 'zip' ? 'zip archive' : sniffed.mime} that is not a Word or OpenDocument text document`);
    ({ format, text: raw } = office);
  } else if (sniffed?.ext === 'cfb') {
    throw unsupported('an old binary Word (.doc) or other OLE file: save it as .docx');
  } else {
    // text first: file-type's weaker signatures (MPEG frames …) also match GBK-encoded Chinese
    const decoded = decodeText(bytes);
    if (decoded === null) throw unsupported(sniffed ? `a ${sniffed.mime} file` : 'not a document this library reads (binary data)');
    format = /\.(md|markdown)$/i.test(options.filename ?? '') ? 'markdown' : 'text';
    raw = format === 'markdown' ? markdownText(decoded.replace(/^\ufeff/, '')) : decoded.replace(/^\ufeff/, '');
  }
  const text = tidyText(raw);
  if (!/[\p{L}\p{N}]/u.test(text)) throw unreadable(format === 'pdf' ? 'the PDF has no text layer (a scan?): upload a PDF with text, or the text itself' : 'the file has no text');
  const max = options.maxTextChars ?? 2_000_000;
  if (text.length > max) throw new DomainError('law.too_large', `the document has ${text.length} characters of text; at most ${max}`, { field: 'file' });
  return { format, ...mimes[format], text };
}
