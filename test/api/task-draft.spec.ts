/**
 * Nothing typed is lost (issue 12, point 6): a task's draft — the answers typed so far and the
 * photos uploaded — is kept on the server for the person who wrote it until the task is
 * submitted; nobody else reads or writes it; bad or oversize drafts are refused.
 */
import { expect } from 'chai';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe("a task's draft", function () {
  this.timeout(60_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;
  let verify: string;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    inspector = await server.signIn('inspector1');
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '草稿测试', address: '城东区解放路 7 号' });
    const caseId = created.body.case.id;
    const todo = async (client: ApiClient, elementId: string) => eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId)?.id as string | undefined, elementId);
    const assign = await todo(dispatcher, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    verify = await todo(inspector, 'verifyReport');
  });
  after(async () => server?.close());

  it('keeps my draft for me, refuses others and bad drafts, and drops it once submitted', async () => {
    expect((await inspector.get(`/api/tasks/${verify}/draft`)).body.draft).to.equal(null);
    const saved = await inspector.request('PUT', `/api/tasks/${verify}/draft`, { data: { verification: 'substantiated', verifyNotes: '写到一半' }, photos: { verifyPhotos: ['p-1'] } });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect((await inspector.get(`/api/tasks/${verify}/draft`)).body.draft).to.deep.include({ by: 'inspector1', data: { verification: 'substantiated', verifyNotes: '写到一半' }, photos: { verifyPhotos: ['p-1'] } });

    // someone else: the dispatcher sees the task (and its case) but neither reads nor writes my draft
    expect((await dispatcher.get(`/api/tasks/${verify}/draft`)).body.draft).to.equal(null);
    expect((await dispatcher.request('PUT', `/api/tasks/${verify}/draft`, { data: {}, photos: {} })).status).to.equal(409); // inspector1 holds the task
    expect((await (await server.signIn('inspector2')).get(`/api/tasks/${verify}/draft`)).status).to.equal(404);

    for (const bad of [{}, { data: [], photos: {} }, { data: {}, photos: { verifyPhotos: 'x' } }, { data: {}, photos: {}, extra: 1 }]) {
      expect((await inspector.request('PUT', `/api/tasks/${verify}/draft`, bad)).status, JSON.stringify(bad)).to.equal(400);
    }
    expect((await inspector.request('PUT', `/api/tasks/${verify}/draft`, { data: { verifyNotes: 'x'.repeat(300_000) }, photos: {} })).status).to.equal(413);
    expect((await inspector.get(`/api/tasks/${verify}/draft`)).body.draft.data.verifyNotes).to.equal('写到一半'); // the refused ones changed nothing

    const form = new FormData();
    const sharp = (await import('sharp')).default;
    form.append('photo', new Blob([await sharp({ create: { width: 30, height: 30, channels: 3, background: '#345' } }).jpeg().toBuffer()], { type: 'image/jpeg' }), 'a.jpg');
    const photo = await inspector.request('POST', `/api/tasks/${verify}/photos`, form);
    expect((await inspector.post(`/api/tasks/${verify}/complete`, { variables: { verification: 'substantiated', verifyNotes: '完成', verifyPhotos: [photo.body.id] } })).status).to.equal(200);
    expect((await inspector.get(`/api/tasks/${verify}/draft`)).body.draft).to.equal(null);
    expect((await inspector.request('PUT', `/api/tasks/${verify}/draft`, { data: {}, photos: {} })).status).to.equal(409);
  });
});
