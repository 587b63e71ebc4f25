/**
 * A task's photo fields take only photos uploaded to that task (issue 13, F11): an id that
 * names no photo, a photo of another case or of another task of the same case, or the same
 * photo twice is refused with 422 `form.invalid` naming the field, and the task stays open
 * with nothing added to the case's timeline. The photos uploaded to the task are accepted.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

async function photoForm(seed: number): Promise<FormData> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } } })
    .composite([{ input: Buffer.from(`<svg width="64" height="48"><circle cx="${10 + (seed % 40)}" cy="24" r="9" fill="white"/></svg>`), top: 0, left: 0 }])
    .jpeg().toBuffer();
  const form = new FormData();
  form.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), `site-${seed}.jpg`);
  return form;
}

describe('completing a task with photos that are not its own', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;
  let caseId: string;
  let verifyTaskId: string;
  let ownPhotos: string[];
  let sameCaseOtherTaskPhoto: string;
  let otherCasePhoto: string;

  async function todo(client: ApiClient, forCase: string, elementId: string): Promise<string> {
    const task = await eventually(async () => {
      const response = await client.get('/api/tasks?view=todo&limit=100');
      return response.body.items.find((t: { caseId: string; elementId: string }) => t.caseId === forCase && t.elementId === elementId);
    }, `${elementId} in ${client.username}'s 待办`);
    return task.id;
  }

  async function upload(client: ApiClient, taskId: string, seed: number): Promise<string> {
    const response = await client.request('POST', `/api/tasks/${taskId}/photos`, await photoForm(seed));
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.id;
  }

  async function openCase(): Promise<string> {
    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '解放路流动摊贩占道经营', address: '城东区解放路 88 号', location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: null,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return created.body.case.id;
  }

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    inspector = await server.signIn('inspector1');

    caseId = await openCase();
    const assignTaskId = await todo(dispatcher, caseId, 'assignInspector');
    // a photo of this case, but of the dispatcher's task, not the inspector's
    sameCaseOtherTaskPhoto = await upload(dispatcher, assignTaskId, 1);
    const assigned = await dispatcher.post(`/api/tasks/${assignTaskId}/complete`, { variables: { inspector: 'inspector1' } });
    expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
    verifyTaskId = await todo(inspector, caseId, 'verifyReport');
    ownPhotos = [await upload(inspector, verifyTaskId, 2), await upload(inspector, verifyTaskId, 3)];

    const otherCaseId = await openCase();
    otherCasePhoto = await upload(dispatcher, await todo(dispatcher, otherCaseId, 'assignInspector'), 4);
  });
  after(async () => server?.close());

  const verify = (verifyPhotos: unknown[]) => ({ verification: 'substantiated', verifyNotes: '属实', verifyPhotos });

  async function expectRefused(verifyPhotos: unknown[]): Promise<void> {
    const timelineBefore = (await dispatcher.get(`/api/cases/${caseId}`)).body.timeline.length;
    for (const lang of ['zh', 'en']) {
      const response = await inspector.request('POST', `/api/tasks/${verifyTaskId}/complete`, JSON.stringify({ variables: verify(verifyPhotos) }), {
        'content-type': 'application/json', 'accept-language': lang,
      });
      expect(response.status, JSON.stringify(response.body)).to.equal(422);
      expect(response.body.code).to.equal('form.invalid');
      expect(response.body.field).to.equal('verifyPhotos');
      expect(response.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['verifyPhotos']);
      expect(response.body.title).to.equal(lang === 'zh' ? '表单数据不正确' : 'The form data is invalid');
      // the field's message in the caller's language
      const message = String(response.body.errors[0].message).replace(/"[^"]*"/g, ''); // the id shown is no word
      if (lang === 'zh') expect(message).to.match(/[\u4e00-\u9fff]/).and.not.match(/[a-z]{3}/);
      else expect(message).to.match(/[a-z]{3}/).and.not.match(/[\u4e00-\u9fff]/);
    }
    const task = await inspector.get(`/api/tasks/${verifyTaskId}`);
    expect(task.body.task.state).to.equal('created');
    expect((await dispatcher.get(`/api/cases/${caseId}`)).body.timeline).to.have.length(timelineBefore);
  }

  it('refuses an id that names no photo', async () => {
    await expectRefused([ownPhotos[0], '00000000-0000-4000-8000-000000000000']);
  });

  it('refuses a photo of another case', async () => {
    await expectRefused([otherCasePhoto]);
  });

  it('refuses a photo of another task of the same case', async () => {
    await expectRefused([ownPhotos[0], sameCaseOtherTaskPhoto]);
  });

  it('refuses the same photo twice', async () => {
    await expectRefused([ownPhotos[0], ownPhotos[0]]);
  });

  it("accepts the task's own photos", async () => {
    const response = await inspector.post(`/api/tasks/${verifyTaskId}/complete`, { variables: verify(ownPhotos) });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body.state).to.equal('completed');
  });
});
