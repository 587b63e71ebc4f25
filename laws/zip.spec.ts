/**
 * The zip index the readers use is the central directory: a bomb hidden where only the central
 * directory points (inside another entry's stored data) must be counted too.
 */
import { expect } from 'chai';
import { unzipSync } from 'fflate';
import { hiddenBombDocx, pdfBomb, types } from './fixtures/bombs.js';
import { InflateTooLarge } from './inflate.js';
import { pdfFlateWithin } from './pdf.js';
import { boundedCopy, centralDirectory } from './zip.js';
import { extractDocument } from './extract.js';

describe('laws: zip archives read through their central directory, bounded', () => {
  it('counts an entry only the central directory points to (a bomb inside another entry\'s data)', async () => {
    const bomb = hiddenBombDocx(32 * 1024 * 1024);
    expect(bomb.length).to.be.below(100 * 1024);
    // what a reader sees: the document, declaring 1,000 bytes
    expect(centralDirectory(bomb).map((e) => [e.name, e.declaredSize])).to.deep.equal([['[Content_Types].xml', types.length], ['word/document.xml', 1_000]]);
    expect(() => boundedCopy(bomb, 4 * 1024 * 1024)).to.throw(InflateTooLarge);
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
    const bomb = pdfBomb(64 * 1024 * 1024);
    expect(bomb.length).to.be.below(256 * 1024);
    expect(() => pdfFlateWithin(bomb, 8 * 1024 * 1024)).to.throw(InflateTooLarge);
    expect(() => pdfFlateWithin(bomb, 128 * 1024 * 1024)).to.not.throw();
    try {
      await extractDocument(bomb, { maxInflatedBytes: 8 * 1024 * 1024 });
      expect.fail('accepted');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('law.too_large');
    }
  });
});
