/**
 * The zip index the readers use is the central directory: a bomb hidden where only the central
 * directory points (inside another entry's stored data) must be counted too.
 */
import { expect } from 'chai';
import { crc32 } from 'node:zlib';
import { deflateSync, unzipSync, zlibSync } from 'fflate';
import { boundedCopy, centralDirectory, pdfFlateWithin, ZipTooLarge } from './zip.js';
import { extractDocument } from './extract.js';

interface Part { name: string; data: Uint8Array; method: 0 | 8; size: number; crc: number }

function part(name: string, content: Uint8Array, method: 0 | 8): Part {
  return { name, data: method === 8 ? deflateSync(content) : content, method, size: content.length, crc: crc32(content) };
}

function localHeader(p: Part): Buffer {
  const name = Buffer.from(p.name);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(p.method, 8);
  h.writeUInt32LE(p.crc, 14); h.writeUInt32LE(p.data.length, 18); h.writeUInt32LE(p.size, 22); h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name, p.data]);
}

function centralHeader(p: Part, offset: number, declaredSize = p.size): Buffer {
  const name = Buffer.from(p.name);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(20, 6); h.writeUInt16LE(p.method, 10);
  h.writeUInt32LE(p.crc, 16); h.writeUInt32LE(p.data.length, 20); h.writeUInt32LE(declaredSize, 24); h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

function end(count: number, size: number, offset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0); e.writeUInt16LE(count, 8); e.writeUInt16LE(count, 10); e.writeUInt32LE(size, 12); e.writeUInt32LE(offset, 16);
  return e;
}

/**
 * A .docx whose word/document.xml (inflating to `bombBytes`) sits inside the stored data of
 * "padding.bin": walking the local headers in order finds only the small stored entry; the
 * central directory lists the document (declaring 1,000 bytes) and points into the padding.
 */
function hiddenBombDocx(bombBytes: number): Buffer {
  const typesPart = part('[Content_Types].xml', types, 8);
  const body = Buffer.alloc(bombBytes, 'x');
  body.write('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>');
  const doc = part('word/document.xml', body, 8);
  const first = localHeader(typesPart);
  const innerDocument = localHeader(doc);
  const padding = part('padding.bin', innerDocument, 0);
  const paddingHeaderLength = 30 + Buffer.byteLength(padding.name);
  const outer = localHeader(padding);
  const documentOffset = first.length + paddingHeaderLength; // inside padding.bin's data
  const central = Buffer.concat([centralHeader(typesPart, 0), centralHeader(doc, documentOffset, 1_000)]);
  return Buffer.concat([first, outer, central, end(2, central.length, first.length + outer.length)]);
}

const types = Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');

describe('laws: zip archives read through their central directory, bounded', () => {
  it('counts an entry only the central directory points to (a bomb inside another entry\'s data)', async () => {
    const bomb = hiddenBombDocx(32 * 1024 * 1024);
    expect(bomb.length).to.be.below(100 * 1024);
    // what a reader sees: the document, declaring 1,000 bytes
    expect(centralDirectory(bomb).map((e) => [e.name, e.declaredSize])).to.deep.equal([['[Content_Types].xml', types.length], ['word/document.xml', 1_000]]);
    expect(() => boundedCopy(bomb, 4 * 1024 * 1024)).to.throw(ZipTooLarge);
    const before = process.memoryUsage().rss;
    try {
      await extractDocument(bomb, { maxInflatedBytes: 4 * 1024 * 1024 });
      expect.fail('accepted');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('law.too_large');
    }
    expect(process.memoryUsage().rss - before, 'RSS growth while refusing').to.be.below(24 * 1024 * 1024);
  });

  it('hands the reader stored entries only, with the same content', () => {
    const small = hiddenBombDocx(64 * 1024);
    const copy = boundedCopy(small, 1024 * 1024);
    const entries = centralDirectory(copy.archive);
    expect(entries.map((e) => [e.name, e.method])).to.deep.equal([['[Content_Types].xml', 0], ['word/document.xml', 0]]);
    expect(Buffer.from(unzipSync(copy.archive)['word/document.xml']).equals(Buffer.from(copy.files.get('word/document.xml') as Uint8Array))).to.equal(true);
    expect(copy.files.get('word/document.xml')?.length).to.equal(64 * 1024);
  });

  it('refuses damaged directories, ZIP64 markers and unknown methods as errors, not crashes', () => {
    const good = hiddenBombDocx(1024);
    expect(() => centralDirectory(good.subarray(0, good.length - 30))).to.throw();
    const zip64 = Buffer.from(good);
    zip64.writeUInt32LE(0xffffffff, zip64.length - 22 + 16);
    expect(() => centralDirectory(zip64)).to.throw(/ZIP64/);
    const method = Buffer.from(good);
    const cd = method.readUInt32LE(method.length - 22 + 16);
    method.writeUInt16LE(12, cd + 10); // bzip2
    expect(() => boundedCopy(method, 1024 * 1024)).to.throw(/method 12/);
  });

  it('counts what a PDF\'s Flate streams inflate to before pdf.js inflates them (a page that inflates to 64 MiB)', async () => {
    const content = Buffer.alloc(64 * 1024 * 1024, ' ');
    content.write('BT /F1 24 Tf 72 720 Td (Article 1) Tj ET\n');
    const stream = Buffer.from(zlibSync(content, { level: 9 }));
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
      null,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
    objects.forEach((o, i) => {
      parts.push(o === null
        ? Buffer.concat([Buffer.from(`${i + 1} 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`), stream, Buffer.from('\nendstream\nendobj\n')])
        : Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`));
    });
    parts.push(Buffer.from('trailer\n<< /Root 1 0 R /Size 6 >>\n%%EOF\n'));
    const bomb = Buffer.concat(parts);
    expect(bomb.length).to.be.below(256 * 1024);
    expect(() => pdfFlateWithin(bomb, 8 * 1024 * 1024)).to.throw(ZipTooLarge);
    expect(() => pdfFlateWithin(bomb, 128 * 1024 * 1024)).to.not.throw();
    try {
      await extractDocument(bomb, { maxInflatedBytes: 8 * 1024 * 1024 });
      expect.fail('accepted');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('law.too_large');
    }
  });
});
