/**
 * Text extraction from real files of each accepted format — a PDF printed by Chromium with
 * embedded CJK fonts (fixtures/regulation.pdf), .docx and .odt packages built here, Markdown,
 * UTF-8 and GB18030 text — and refusal of what is not a document, whatever its name says.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { strToU8, zipSync } from 'fflate';
import { isDomainError } from '../errors/index.js';
import { extractDocument, type ExtractOptions } from './extract.js';
import { InflateTooLarge } from './inflate.js';
import { boundedCopy, centralDirectory } from './zip.js';
import { buildDocx, buildOdt } from './fixtures/office-files.js';
import { sampleParagraphs, sampleTitle } from './fixtures/sample.js';
import { reflowLines, tidyText } from './text.js';

const fixture = (name: string) => fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
/** The sample's paragraphs as the library keeps them (ideographic spaces may come out as spaces). */
const lines = (text: string) => text.split('\n').map((l) => l.replace(/[\u3000 ]+/g, ' '));
const expected = [sampleTitle, ...sampleParagraphs].map((l) => l.replace(/\u3000/g, ' '));

async function refused(bytes: Buffer, code: string, filename?: string | ExtractOptions): Promise<string> {
  try {
    await extractDocument(bytes, typeof filename === 'object' ? filename : { filename });
  } catch (error) {
    expect(isDomainError(error), String(error)).to.equal(true);
    expect((error as { code: string }).code).to.equal(code);
    return (error as Error).message;
  }
  return expect.fail(`accepted, expected ${code}`);
}

describe('law document text extraction', function () {
  this.timeout(60_000);

  it('reads a Chromium-printed PDF: paragraphs rejoined across lines and pages, radical look-alikes unified', async () => {
    const doc = await extractDocument(fixture('regulation.pdf'), { filename: 'misnamed.txt' });
    expect(doc.format).to.equal('pdf');
    expect(doc.mime).to.equal('application/pdf');
    expect(lines(doc.text)).to.deep.equal(expected);
    expect(doc.text).to.not.match(/[\u2e80-\u2fdf]/);
    expect(doc.text).to.include('户外广告').and.include('GB/T 36101-2018');
  });

  it('reads a Word .docx: runs joined, heading and table cells as lines', async () => {
    const doc = await extractDocument(buildDocx(sampleTitle, sampleParagraphs, ['罚款金额', '五千元']));
    expect(doc.format).to.equal('docx');
    expect(lines(doc.text)).to.deep.equal([...expected, '罚款金额', '五千元']);
  });

  it('reads an OpenDocument .odt: spans joined, comments left out, spaces and lists kept', async () => {
    const doc = await extractDocument(buildOdt(sampleTitle, sampleParagraphs, ['罚款金额', '五千元']));
    expect(doc.format).to.equal('odt');
    expect(doc.text).to.not.include('批注');
    expect(lines(doc.text)).to.deep.equal([...expected, '（一）列表项 甲', '罚款金额', '五千元']);
    expect(doc.text).to.include('列表项  甲');
  });

  it('reads Markdown without its markup, and plain text in UTF-8 or GB18030', async () => {
    const md = await extractDocument(Buffer.from('# 城东区规定\n\n**第一条** 禁止[乱贴](http://x.example)乱画。<b>x</b>\n\n- （一）甲\n- （二）乙\n'), { filename: '规定.md' });
    expect(md.format).to.equal('markdown');
    expect(md.text, 'tags dropped, their text kept').to.equal('城东区规定\n第一条 禁止乱贴乱画。x\n（一）甲\n（二）乙');
    const utf8 = await extractDocument(Buffer.from('\ufeff第一条　禁止乱扔垃圾。\r\n\r\n第二条　违者罚款。\r\n'), { filename: 'a.txt' });
    expect(utf8.format).to.equal('text');
    expect(utf8.text).to.equal('第一条　禁止乱扔垃圾。\n第二条　违者罚款。');
    // 第一条 禁止乱扔垃圾。 saved by a Chinese-locale editor in GB18030 (GBK) bytes
    const gbk = Buffer.from('b5dad2bbccf5a1a1bdfbd6b9c2d2c8d3c0acbbf8a1a3', 'hex');
    expect((await extractDocument(gbk)).text).to.equal('第一条　禁止乱扔垃圾。');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('第三条　施行。', 'utf16le')]);
    expect((await extractDocument(utf16)).text).to.equal('第三条　施行。');
  });

  it('refuses what is not a document, whatever its name, with a message saying what it is', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    expect(await refused(png, 'law.unsupported_type', 'law.pdf')).to.include('image/png');
    const xlsx = Buffer.from(zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/workbook.xml': strToU8('<workbook/>') }));
    await refused(xlsx, 'law.unsupported_type', 'law.docx');
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]);
    expect(await refused(ole, 'law.unsupported_type', 'old.doc')).to.include('.docx');
    await refused(Buffer.concat([Buffer.from('第一条'), Buffer.alloc(64), Buffer.from([1, 2, 3, 0xff, 0xfe, 0x80])]), 'law.unsupported_type', 'x.txt');
  });

  it('refuses empty, damaged and scanned (text-less) documents as unreadable', async () => {
    await refused(Buffer.alloc(0), 'law.unreadable');
    await refused(Buffer.from('\n  \n'), 'law.unreadable');
    const pdf = fixture('regulation.pdf');
    await refused(Buffer.concat([pdf.subarray(0, 2000)]), 'law.unreadable');
    const emptyDocx = buildDocx('', []);
    await refused(emptyDocx, 'law.unreadable');
    const brokenOdt = Buffer.from(zipSync({ mimetype: [strToU8('application/vnd.oasis.opendocument.text'), { level: 0 }], 'content.xml': strToU8('<office:document-content><text:p>第一条') }));
    await refused(brokenOdt, 'law.unreadable');
  });

  it('refuses an archive that declares a huge inflated size (zip bomb) before inflating it', async () => {
    const bomb = buildOdt(sampleTitle, ['第一条　' + '甲'.repeat(400_000)]);
    try {
      await extractDocument(bomb, { maxInflatedBytes: 100_000 });
      expect.fail('accepted');
    } catch (error) {
      expect((error as { code: string }).code).to.equal('law.too_large');
    }
  });

  it('counts what an archive really inflates to, not what it declares (a .docx that says 1,000 bytes and inflates to 8 MB)', async () => {
    const big = buildDocx(sampleTitle, ['第一条　' + 'x'.repeat(8 * 1024 * 1024)]);
    const lying = Buffer.from(big);
    // every entry's declared uncompressed size, in the local headers and the central directory
    for (let at = 0; at + 30 <= lying.length; at += 1) {
      if (lying.readUInt32LE(at) === 0x04034b50) lying.writeUInt32LE(1_000, at + 22);
      else if (lying.readUInt32LE(at) === 0x02014b50) lying.writeUInt32LE(1_000, at + 24);
    }
    expect(centralDirectory(lying).every((e) => e.declaredSize === 1_000)).to.equal(true);
    expect(() => boundedCopy(lying, 1024 * 1024)).to.throw(InflateTooLarge);
    expect(boundedCopy(big, 16 * 1024 * 1024).files.get('word/document.xml')?.length).to.be.above(8 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    await refused(lying, 'law.too_large', { maxInflatedBytes: 1024 * 1024 });
    expect(process.memoryUsage().rss - before, 'RSS growth while refusing').to.be.below(64 * 1024 * 1024);
    // the same document within the bound still reads
    expect((await extractDocument(big, { maxInflatedBytes: 16 * 1024 * 1024, maxTextChars: 10_000_000 })).text).to.include('第一条');
  });

  it('rejoins laid-out lines into paragraphs and tidies text', () => {
    expect(reflowLines(['第一条 为了规范户外广', '告设施，制定本办法。', '- 1 -', '第二条 LED', 'display 适用。'])).to.equal('第一条 为了规范户外广告设施，制定本办法。\n第二条 LED display 适用。');
    expect(tidyText('⼾外⼴告\r\n\r\n\r\n ⻔前三包 \u0007')).to.equal('户外广告\n门前三包');
  });
});
