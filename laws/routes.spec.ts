/**
 * The law routes over HTTP on the real platform (SQLite, or MariaDB with TEST_DATABASE_URL):
 * an admin uploads a real PDF and an .odt, an inspector searches (one character, phrases,
 * fullwidth) and reads them; bad uploads — wrong type, too large, missing fields or file, not
 * an admin — are refused with problem+json and leave no row and no file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestServer, type ApiClient, type TestServer } from '../test/support/server.js';
import { hiddenBombDocx, pdfBomb } from './fixtures/bombs.js';
import { buildOdt } from './fixtures/office-files.js';
import { sampleParagraphs } from './fixtures/sample.js';

describe('law documents over HTTP', function () {
  this.timeout(120_000);
  let server: TestServer;
  let admin: ApiClient;
  let inspector: ApiClient;
  const pdf = fs.readFileSync(new URL('./fixtures/regulation.pdf', import.meta.url));
  const fields = { title: '城东区户外广告设施设置管理办法（试行）', issuer: '城东区人民政府', docNumber: '城东政发〔2024〕2号', effectiveDate: '2024-03-01' };

  before(async () => {
    // a 1 MiB limit through LAW_MAX_BYTES (the default is 20 MiB)
    server = await startTestServer({ LAW_MAX_BYTES: String(1024 * 1024) });
    [admin, inspector] = await Promise.all([server.signIn('admin'), server.signIn('inspector1')]);
  });
  after(async () => server?.close());

  function upload(client: ApiClient, file: Buffer | null, name: string, values: Record<string, string> = fields) {
    const form = new FormData();
    for (const [key, value] of Object.entries(values)) form.append(key, value);
    if (file) form.append('file', new Blob([file]), name);
    return client.request('POST', '/api/laws', form);
  }
  function files(): number {
    const dir = path.join(server.platform.config.dataDir, 'laws');
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  }
  const total = async () => (await admin.get('/api/laws?limit=1')).body.total as number;

  it('answers 400 to a multipart upload cut off inside the file part, keeps serving, and keeps nothing', async () => {
    const cut = '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 no end';
    const before = files();
    const response = await admin.request('POST', '/api/laws', cut, { 'content-type': 'multipart/form-data; boundary=cut' });
    expect(response.status, JSON.stringify(response.body)).to.equal(400);
    expect(response.body.code).to.equal('request.invalid');
    expect((await admin.get('/api/health')).status).to.equal(200);
    expect(files()).to.equal(before);
  });

  it('refuses decompression bombs (a .docx hiding its document from the local headers, a PDF page of 160 MiB) with 413-class codes, keeps nothing, and stays small', async () => {
    const bombs: [Buffer, string][] = [[hiddenBombDocx(160 * 1024 * 1024), 'bomb.docx'], [pdfBomb(160 * 1024 * 1024), 'bomb.pdf']];
    const before = { files: files(), total: await total() };
    for (const [bomb, name] of bombs) {
      expect(bomb.length, name).to.be.below(1024 * 1024); // under the upload limit: only the inflated bytes are the problem
      const rssBefore = process.memoryUsage().rss;
      // another request is answered while the bomb is being refused (extraction is off the event loop)
      const [response, health] = await Promise.all([upload(admin, bomb, name), inspector.get('/api/health')]);
      expect(health.status).to.equal(200);
      expect(response.status, JSON.stringify(response.body)).to.equal(413);
      expect(response.body.code).to.equal('law.too_large');
      expect(response.body.detail).to.match(/[\u4e00-\u9fff]/);
      expect(process.memoryUsage().rss - rssBefore, `RSS growth refusing ${name}`).to.be.below(120 * 1024 * 1024);
    }
    expect(files()).to.equal(before.files);
    expect(await total()).to.equal(before.total);
  });

  it('has the demo regulations, listed newest first, to every signed-in user', async () => {
    const list = await inspector.get('/api/laws');
    expect(list.status).to.equal(200);
    expect(list.body.total).to.equal(4);
    expect(list.body.items[0].title).to.equal('城东区户外广告和招牌设置规范');
    expect(list.body.items[0]).to.not.have.property('text');
    expect((await server.anonymous().get('/api/laws')).status).to.equal(401);
  });

  it('lets an admin upload a PDF whose text everyone can then search, read and download', async () => {
    const created = await upload(admin, pdf, '户外广告办法.pdf');
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ title: fields.title, format: 'pdf', docNumber: fields.docNumber, effectiveDate: '2024-03-01', status: 'effective', bytes: pdf.length });
    expect(created.headers.get('location')).to.equal(`/api/laws/${created.body.id}`);

    const found = await inspector.get(`/api/laws?q=${encodeURIComponent('户外广告 36101')}`);
    expect(found.status).to.equal(200);
    const hit = found.body.items[0];
    expect(hit.id).to.equal(created.body.id);
    expect(hit.score).to.be.a('number');
    const marked = hit.snippet.highlights.map(([s, e]: [number, number]) => hit.snippet.text.slice(s, e));
    expect(marked).to.include('户外广告');
    expect(hit.titleHighlights.map(([s, e]: [number, number]) => hit.title.slice(s, e))).to.deep.equal(['户外广告']);

    const read = await inspector.get(`/api/laws/${created.body.id}?q=${encodeURIComponent('ＬＥＤ')}`);
    expect(read.status).to.equal(200);
    expect(read.body.text.split('\n')).to.have.length(sampleParagraphs.length + 1);
    expect(read.body.highlights.map(([s, e]: [number, number]) => read.body.text.slice(s, e))).to.deep.equal(['LED']);

    const file = await inspector.get(`/api/laws/${created.body.id}/file`);
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('application/pdf');
    expect(file.headers.get('content-disposition')).to.include(`filename*=UTF-8''${encodeURIComponent('户外广告办法.pdf')}`);
    expect(Buffer.compare(file.body as Buffer, pdf)).to.equal(0);
  });

  it('searches by one character and ranks, through the API', async () => {
    const odt = await upload(admin, buildOdt('城东区噪声污染防治规定', ['第一条　噪声扰民的，处罚款。']), '噪声.odt', { ...fields, title: '城东区噪声污染防治规定', docNumber: '' });
    expect(odt.status, JSON.stringify(odt.body)).to.equal(201);
    expect(odt.body.docNumber).to.equal(null);
    const one = await inspector.get(`/api/laws?q=${encodeURIComponent('噪')}`);
    expect(one.body.items.map((i: { id: string }) => i.id)).to.deep.equal([odt.body.id]);
    const fine = await inspector.get(`/api/laws?q=${encodeURIComponent('罚')}&limit=50`);
    expect(fine.body.total).to.be.at.least(4);
    const scores = fine.body.items.map((i: { score: number }) => i.score);
    expect(scores).to.deep.equal([...scores].sort((a: number, b: number) => b - a));
  });

  it('refuses bad uploads precisely, keeping no row and no file', async () => {
    const rows = await total();
    const before = files();
    const notAdmin = await upload(inspector, pdf, 'a.pdf');
    expect(notAdmin.status).to.equal(403);
    expect(notAdmin.headers.get('content-type')).to.include('application/problem+json');
    const wrongType = await upload(admin, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'law.pdf');
    expect([wrongType.status, wrongType.body.code, wrongType.body.field]).to.deep.equal([415, 'law.unsupported_type', 'file']);
    const missing = await upload(admin, pdf, 'a.pdf', { issuer: '城东区人民政府', effectiveDate: '2024-13-01' });
    expect(missing.status).to.equal(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).to.include.members(['title', 'effectiveDate']);
    const unknown = await upload(admin, pdf, 'a.pdf', { ...fields, secret: 'x' });
    expect([unknown.status, unknown.body.field]).to.deep.equal([400, 'secret']);
    const noFile = await upload(admin, null, 'a.pdf');
    expect([noFile.status, noFile.body.field]).to.deep.equal([400, 'file']);
    const tooLarge = await upload(admin, Buffer.alloc(1024 * 1024 + 1, 0x20), 'big.txt');
    expect([tooLarge.status, tooLarge.body.code]).to.deep.equal([413, 'law.too_large']);
    const duplicate = await upload(admin, pdf, 'again.pdf');
    expect([duplicate.status, duplicate.body.code]).to.deep.equal([409, 'law.duplicate']);
    expect(duplicate.body.existingId).to.be.a('string');
    const json = await admin.post('/api/laws', fields);
    expect(json.status).to.equal(415);
    expect(await total()).to.equal(rows);
    expect(files()).to.equal(before);
  });

  it('lets only admins edit and delete; a deleted document is gone with its file', async () => {
    const list = await admin.get(`/api/laws?q=${encodeURIComponent('噪声')}`);
    const id = list.body.items[0].id as string;
    expect((await inspector.request('PATCH', `/api/laws/${id}`, { status: 'repealed' })).status).to.equal(403);
    expect((await admin.request('PATCH', `/api/laws/${id}`, {})).status).to.equal(400);
    const edited = await admin.request('PATCH', `/api/laws/${id}`, { status: 'repealed', title: '城东区环境噪声管理规定' });
    expect(edited.status).to.equal(200);
    expect(edited.body).to.include({ status: 'repealed', title: '城东区环境噪声管理规定' });
    expect((await inspector.get(`/api/laws?q=${encodeURIComponent('环境噪声')}&status=repealed`)).body.items[0].id).to.equal(id);
    const before = files();
    expect((await inspector.request('DELETE', `/api/laws/${id}`)).status).to.equal(403);
    expect((await admin.request('DELETE', `/api/laws/${id}`)).status).to.equal(204);
    expect((await inspector.get(`/api/laws/${id}`)).status).to.equal(404);
    expect((await inspector.get(`/api/laws/${id}/file`)).body.code).to.equal('law.not_found');
    expect((await admin.request('DELETE', `/api/laws/${id}`)).status).to.equal(404);
    expect(files()).to.equal(before - 1);
    expect((await inspector.get('/api/laws/not-an-id')).status).to.equal(400);
  });
});
