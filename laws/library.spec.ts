/**
 * The law library on a real database (SQLite, or MariaDB with TEST_DATABASE_URL) and a real
 * folder: ranked Chinese search (one character, phrases, mixed Chinese/Latin, 全角/半角),
 * metadata edits re-indexing, deletion, and refusals that keep neither a row nor a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { isDomainError } from '../errors/index.js';
import { LawLibrary, type LawMetadata } from './library.js';
import { seedDemoLaws } from './demo.js';
import { LawDocumentEntity, LawGramEntity } from './entities.js';
import { LawGramLength1732400000710 } from '../storage/migrations/1732400000710-law-gram-length.js';

describe('law library (store and ranked search)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let dir: string;
  let library: LawLibrary;

  const meta = (title: string, extra: Partial<LawMetadata> = {}): LawMetadata => ({ title, issuer: '城东区人民政府', effectiveDate: '2024-01-01', ...extra });
  async function addText(text: string, metadata: LawMetadata, name = 'doc.txt') {
    return library.add(await library.stage(Buffer.from(text)), metadata, { uploadedBy: 'admin', originalName: name });
  }
  const titles = async (q: string, status?: 'effective' | 'repealed') => (await library.search({ q, status, limit: 20, offset: 0 })).items.map((i) => i.law.title);

  before(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-laws-'));
    library = new LawLibrary(db.dataSource, { dir, maxBytes: 64 * 1024 });
    expect(await seedDemoLaws(library)).to.equal(4);
    expect(await seedDemoLaws(library), 'seeding twice adds nothing').to.equal(0);
  });
  after(async () => {
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ranks a document with the term in its title above ones that only mention it', async () => {
    expect((await titles('占道经营'))[0]).to.equal('城东区占道经营管理办法');
    const inBody = await addText('第一条　沿街商户的噪声管理。第二条　商户噪声超标的，责令改正。', meta('测试规定丙'));
    const inTitle = await addText('第一条　夜间施工噪声应当符合标准。', meta('城东区施工噪声管理规定'));
    const result = await library.search({ q: '噪声', limit: 10, offset: 0 });
    expect(result.items.map((i) => i.law.id)).to.deep.equal([inTitle.id, inBody.id]);
  });

  it('ranks by how often a term occurs when titles do not decide', async () => {
    const once = await addText('第一条　禁止在绿地内焚烧树叶。', meta('测试规定甲'));
    const thrice = await addText('第一条　禁止焚烧树叶。第二条　焚烧树叶的，责令改正。第三条　再次焚烧树叶的，处罚款。', meta('测试规定乙'));
    const result = await library.search({ q: '焚烧', limit: 10, offset: 0 });
    expect(result.items.map((i) => i.law.id)).to.deep.equal([thrice.id, once.id]);
    expect(result.total).to.equal(2);
    expect(result.items[0].score).to.be.greaterThan(result.items[1].score as number);
  });

  it('finds documents by one Chinese character', async () => {
    const found = await titles('罚');
    expect(found).to.include.members(['城东区市容和环境卫生管理规定', '城东区占道经营管理办法', '城东区户外广告和招牌设置规范']);
    expect(await titles('鳄')).to.deep.equal([]);
  });

  it('finds a phrase typed as one run even when its words stand apart in the text', async () => {
    // 乱扔 … 罚款 are in 第六条 and 第十条 of the 市容 rules, never side by side
    expect((await titles('乱扔罚款'))[0]).to.equal('城东区市容和环境卫生管理规定');
  });

  it('matches mixed Chinese and Latin, and fullwidth the same as halfwidth', async () => {
    expect((await titles('LED 显示屏'))[0]).to.equal('城东区户外广告和招牌设置规范');
    expect((await titles('ＬＥＤ显示屏'))[0]).to.equal('城东区户外广告和招牌设置规范');
    expect((await titles('led亮度'))[0]).to.equal('城东区户外广告和招牌设置规范');
  });

  it('filters by status and pages the results', async () => {
    expect(await titles('绿地', 'repealed')).to.deep.equal(['城东区园林绿化管理暂行规定']);
    expect(await titles('绿地', 'effective')).to.not.include('城东区园林绿化管理暂行规定');
    const all = await library.search({ q: '罚', limit: 2, offset: 0 });
    const next = await library.search({ q: '罚', limit: 2, offset: 2 });
    expect(all.items).to.have.length(2);
    expect(all.total).to.be.greaterThan(3);
    expect(next.items.map((i) => i.law.id)).to.not.include.members(all.items.map((i) => i.law.id));
    const past = await library.search({ q: '罚', limit: 2, offset: 1000 });
    expect([past.items.length, past.total]).to.deep.equal([0, all.total]);
  });

  it('lists the newest effective date first without a query', async () => {
    const list = await library.search({ limit: 50, offset: 0 });
    const dates = list.items.map((i) => i.law.effectiveDate);
    expect(dates).to.deep.equal([...dates].sort().reverse());
    expect(list.items[0]).to.not.have.nested.property('law.text');
  });

  it('re-indexes a new title, and forgets a deleted document entirely', async () => {
    const doc = await addText('第一条　本规定适用于夜市管理。', meta('夜市临时规定'));
    expect(await titles('夜市')).to.include('夜市临时规定');
    await library.update(doc.id, { title: '城东区夜间集市管理规定', status: 'repealed' });
    expect((await titles('集市'))[0]).to.equal('城东区夜间集市管理规定');
    const files = await library.countFiles();
    await library.remove(doc.id);
    expect(await titles('夜市')).to.deep.equal([]);
    expect(await db.dataSource.getRepository(LawGramEntity).countBy({ lawId: doc.id })).to.equal(0);
    expect(await library.countFiles()).to.equal(files - 1);
    try {
      await library.remove(doc.id);
      expect.fail('removed twice');
    } catch (error) {
      expect(isDomainError(error, 'law.not_found')).to.equal(true);
    }
  });

  it('keeps ranking the same when migration 710 rebuilds the document lengths of the postings', async () => {
    const before = await library.search({ q: '罚款', limit: 20, offset: 0 });
    const last = await db.dataSource.query('SELECT MAX(doc_length) AS m FROM law_gram') as { m: number }[];
    expect(Number(last[0].m)).to.be.greaterThan(0);
    const migration = new LawGramLength1732400000710();
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.down(runner); // drops doc_length
      await migration.up(runner); // adds it back, filled from the documents
    } finally {
      await runner.release();
    }
    const after = await library.search({ q: '罚款', limit: 20, offset: 0 });
    expect(after.items.map((i) => [i.law.id, i.score?.toFixed(9)])).to.deep.equal(before.items.map((i) => [i.law.id, i.score?.toFixed(9)]));
  });

  it('refuses a binary file, an oversize file and a second copy, keeping no row and no file', async () => {
    const rows = await db.dataSource.getRepository(LawDocumentEntity).count();
    const files = await library.countFiles();
    const refusals: [Buffer, string][] = [
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), 'law.unsupported_type'],
      [Buffer.alloc(70 * 1024, '罚'), 'law.too_large'],
      [Buffer.from('   \n\n '), 'law.unreadable'],
      [await fs.promises.readFile(new URL('./demo/zhandao.txt', import.meta.url)), 'law.duplicate'],
    ];
    for (const [bytes, code] of refusals) {
      try {
        await library.add(await library.stage(bytes), meta('拒收'), { uploadedBy: 'admin', originalName: 'x.txt' });
        expect.fail(`accepted, expected ${code}`);
      } catch (error) {
        expect(isDomainError(error), String(error)).to.equal(true);
        expect((error as { code: string }).code).to.equal(code);
      }
    }
    expect(await db.dataSource.getRepository(LawDocumentEntity).count()).to.equal(rows);
    expect(await library.countFiles()).to.equal(files);
  });
});
