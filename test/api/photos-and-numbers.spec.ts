/**
 * Photos over HTTP (real type from the bytes, size limit, nothing kept on refusal, permissions
 * by guessing ids) and case numbers under concurrency.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { pngHeader } from '../../photos/test-images.js';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe('photos over HTTP and case numbers under concurrency', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;
  let verifyTaskId: string;
  let caseId: string;

  before(async () => {
    server = await startTestServer({ PHOTO_MAX_BYTES: String(200 * 1024) });
    dispatcher = await server.signIn('dispatcher1');
    inspector = await server.signIn('inspector1');
    const created = await dispatcher.post('/api/cases', { source: 'web', category: 'greenery-damage', description: '绿化带被车辆碾压', address: '城东区凤起路', location: { lng: 120.2075, lat: 30.2625 } });
    caseId = created.body.case.id;
    const assign = await eventually(async () => (await dispatcher.get('/api/tasks?view=todo')).body.items.find((t: { caseId: string }) => t.caseId === caseId), 'assignInspector');
    await dispatcher.post(`/api/tasks/${assign.id}/complete`, { variables: { inspector: 'inspector1' } });
    verifyTaskId = (await eventually(async () => (await inspector.get('/api/tasks?view=todo')).body.items.find((t: { caseId: string }) => t.caseId === caseId), 'verifyReport')).id;
  });
  after(async () => server?.close());

  function upload(client: ApiClient, taskId: string, bytes: Buffer, name: string, type: string) {
    const form = new FormData();
    form.append('photo', new Blob([bytes], { type }), name);
    return client.request('POST', `/api/tasks/${taskId}/photos`, form);
  }

  function storedFiles(): number {
    const dir = path.join(server.platform.config.photos.dir);
    if (!fs.existsSync(dir)) return 0;
    let n = 0;
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : (n += 1)));
    walk(dir);
    return n;
  }

  it('stores a real image once, even when sent twice, and serves it back', async () => {
    const jpeg = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
    const first = await upload(inspector, verifyTaskId, jpeg, 'a.jpg', 'image/jpeg');
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const again = await upload(inspector, verifyTaskId, jpeg, 'retry.jpg', 'image/jpeg');
    expect(again.status).to.equal(200);
    expect(again.body.id).to.equal(first.body.id);
    const file = await inspector.get(`/api/photos/${first.body.id}/file`);
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('image/jpeg');
    expect(Buffer.compare(file.body as Buffer, jpeg)).to.equal(0);
    const list = await dispatcher.get(`/api/cases/${caseId}/photos`);
    expect(list.body.map((p: { id: string }) => p.id)).to.deep.equal([first.body.id]);
  });

  it('refuses what is not an image (whatever its name and header), and what is too large; keeps nothing', async () => {
    const before = storedFiles();
    const fake = await upload(inspector, verifyTaskId, Buffer.from('<html><script>alert(1)</script></html>'), 'photo.jpg', 'image/jpeg');
    expect(fake.status).to.equal(415);
    expect(fake.body.code).to.equal('photo.unsupported_type');
    const truncated = (await sharp({ create: { width: 300, height: 300, channels: 3, background: '#a33' } }).jpeg().toBuffer()).subarray(0, 600);
    expect((await upload(inspector, verifyTaskId, truncated, 't.jpg', 'image/jpeg')).status).to.be.oneOf([415, 422]);
    const big = await sharp({ create: { width: 1600, height: 1600, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(big.length).to.be.greaterThan(200 * 1024);
    const tooLarge = await upload(inspector, verifyTaskId, big, 'big.png', 'image/png');
    expect(tooLarge.status).to.equal(413);
    // a small PNG announcing 16000×16000 (256 MP): refused from its header, never decoded
    const refusedBomb = await upload(inspector, verifyTaskId, pngHeader(16_000, 16_000), 'bomb.png', 'image/png');
    expect(refusedBomb.status).to.equal(422);
    expect(refusedBomb.body.code).to.equal('photo.too_many_pixels');
    expect(refusedBomb.body.title).to.match(/像素过多/);
    const notMultipart = await inspector.request('POST', `/api/tasks/${verifyTaskId}/photos`, Buffer.from('x').toString(), { 'content-type': 'image/jpeg' });
    expect(notMultipart.status).to.equal(415);
    expect(storedFiles()).to.equal(before);
    expect((await inspector.get(`/api/tasks/${verifyTaskId}/photos`)).body).to.have.length(1);
  });

  it('answers 400 to a multipart upload cut off inside the file part (no closing boundary), and keeps serving', async () => {
    // 112 bytes like these once ended the whole process: busboy's file stream failed before
    // anything listened to it ('Unexpected end of form')
    const cut = '--cut\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0 no end';
    const before = storedFiles();
    for (let i = 0; i < 3; i += 1) {
      const response = await inspector.request('POST', `/api/tasks/${verifyTaskId}/photos`, cut, { 'content-type': 'multipart/form-data; boundary=cut' });
      expect(response.status, JSON.stringify(response.body)).to.equal(400);
      expect(response.body.code).to.equal('request.invalid');
    }
    expect((await inspector.get('/api/health')).status).to.equal(200);
    expect(storedFiles()).to.equal(before);
  });

  it('removes the part file of an upload whose client went away mid-body, and keeps serving', async () => {
    const tmpDir = path.join(server.platform.config.photos.dir, '.tmp');
    const parts = () => (fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir).filter((f) => f.endsWith('.part')) : []);
    const url = new URL(inspector.baseUrl);
    const head = '--cut\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n';
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/tasks/${verifyTaskId}/photos HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${inspector.token}\r\n`
      + `Content-Type: multipart/form-data; boundary=cut\r\nContent-Length: 150000\r\n\r\n${head}`);
    socket.write(Buffer.alloc(40_000, 0xff));
    await eventually(async () => parts().length === 1 || undefined, 'the upload being stored');
    socket.destroy();
    await eventually(async () => parts().length === 0 || undefined, 'the part file removed');
    expect((await inspector.get('/api/health')).status).to.equal(200);
  });

  it('sweeps part files left by a killed process when the server starts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-parts-'));
    const photoTmp = path.join(dataDir, 'photos', '.tmp');
    const lawTmp = path.join(dataDir, 'laws', '.tmp');
    for (const dir of [photoTmp, lawTmp]) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '0b0e6bb2-0000-4000-8000-000000000000.part'), Buffer.alloc(1024, 0xff));
    }
    const restarted = await startTestServer({ DATA_DIR: dataDir });
    try {
      expect(fs.readdirSync(photoTmp)).to.deep.equal([]);
      expect(fs.readdirSync(lawTmp)).to.deep.equal([]);
    } finally {
      await restarted.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('hides photos from people not on the case, and refuses uploads to tasks that are not theirs', async () => {
    const photos = (await inspector.get(`/api/tasks/${verifyTaskId}/photos`)).body as { id: string }[];
    const outsider = await server.signIn('zhaolei'); // an officer of another unit
    expect((await outsider.get(`/api/photos/${photos[0].id}`)).status).to.equal(404);
    expect((await outsider.get(`/api/photos/${photos[0].id}/file`)).status).to.equal(404);
    expect((await outsider.get(`/api/cases/${caseId}/photos`)).status).to.equal(404);
    const jpeg = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#123' } }).jpeg().toBuffer();
    expect((await upload(outsider, verifyTaskId, jpeg, 'x.jpg', 'image/jpeg')).status).to.equal(404);
    const inspector2 = await server.signIn('inspector2');
    expect((await upload(inspector2, verifyTaskId, jpeg, 'x.jpg', 'image/jpeg')).status).to.equal(404);
  });

  it('gives unique, readable case numbers to cases opened at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => dispatcher.post('/api/cases', { source: 'hotline', category: 'noise', description: `并发测试 ${i}`, address: '城东区' })));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const numbers = results.map((r) => r.body.case.number as string);
    expect(new Set(numbers).size).to.equal(25);
    for (const n of numbers) expect(n).to.match(/^ZF-\d{8}-\d{4}$/);
  });
});
