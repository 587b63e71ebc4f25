/**
 * Office documents are zip archives, and a zip can say one thing in its local headers and another
 * in its central directory. Readers (mammoth through JSZip, fflate's unzipSync) find entries
 * through the central directory, so that is the index read here: each entry it lists is located
 * through its local header and inflated with the bytes counted as they come out, stopping at the
 * bound — never trusting a declared size. What passed is handed on as a new archive of stored
 * (uncompressed) entries, so the reader after us has nothing left to inflate.
 */
import { zipSync, type Zippable } from 'fflate';
import { InflateBudget } from './inflate.js';

export interface ZipEntry {
  name: string;
  /** Bytes the central directory says the entry inflates to (only ever a claim). */
  declaredSize: number;
  method: number;
  compressedSize: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The entries the central directory lists; throws for an archive that is not a readable zip. */
export function centralDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at -= 1) {
    if (view.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw new Error('ZIP64 archives are not read');
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) throw new Error('damaged central directory');
    const nameLength = view.getUint16(at + 28, true);
    const entry: ZipEntry = {
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      declaredSize: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    };
    if (entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) throw new Error('ZIP64 archives are not read');
    entries.push(entry);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

/**
 * Every entry the central directory lists, inflated with the total counted against `limit`
 * (InflateTooLarge past it), as a new archive of stored entries, with the entries by name. Throws an
 * ordinary Error for a damaged archive or an unknown compression method.
 */
export function boundedCopy(bytes: Uint8Array, limit: number): { archive: Uint8Array; files: Map<string, Uint8Array> } {
  // counted first with nothing kept, so a bomb costs a few buffers, not `limit` bytes
  inflateEntries(bytes, limit, false);
  const files = inflateEntries(bytes, limit, true);
  const zippable: Zippable = {};
  for (const [name, content] of files) zippable[name] = [content, { level: 0 }];
  return { archive: zipSync(zippable), files };
}

function inflateEntries(bytes: Uint8Array, limit: number, keep: boolean): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const files = new Map<string, Uint8Array>();
  const budget = new InflateBudget(limit);
  for (const entry of centralDirectory(bytes)) {
    const at = entry.localOffset;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) throw new Error(`no local header for ${entry.name}`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    if (start + entry.compressedSize > bytes.length) throw new Error(`${entry.name} runs past the end of the archive`);
    const data = bytes.subarray(start, start + entry.compressedSize);
    let content: Uint8Array;
    if (entry.method === 0) {
      budget.take(data.length);
      content = data;
    } else if (entry.method === 8) {
      content = budget.inflate(data, keep);
    } else {
      throw new Error(`${entry.name} uses compression method ${entry.method}`);
    }
    if (entry.name.endsWith('/')) continue; // a folder
    if (keep) files.set(entry.name, content);
  }
  return files;
}
