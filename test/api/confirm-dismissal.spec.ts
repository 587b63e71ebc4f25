/**
 * 不属实 with doubtful photos is confirmed before the case is dismissed (issue 12, point 4): a
 * 不属实 whose photos pass the photo check is dismissed at once; one whose photos are 存疑 waits
 * for the dispatcher's 确认不属实 — confirmed, the case is dismissed; sent back (with what to
 * check, required), it is 派发核实 again.
 */
import { expect } from 'chai';
import { jpeg } from '../../photos/test-images.js';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

const place = { lng: 120.2075, lat: 30.2625 };
/** EXIF local time (Asia/Shanghai) of a moment. */
const exifTime = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');

describe('确认不属实: a 不属实 with doubtful photos waits for the dispatcher', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    inspector = await server.signIn('inspector1');
  });
  after(async () => server?.close());

  async function todo(client: ApiClient, caseId: string, elementId: string): Promise<string> {
    return eventually(async () => (await client.get('/api/tasks?view=todo&limit=100')).body.items
      .find((t: { caseId: string; elementId: string }) => t.caseId === caseId && t.elementId === elementId)?.id as string | undefined, `${elementId} for ${client.username}`);
  }

  async function dismissAsInspector(onSite: boolean): Promise<string> {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '不属实确认测试', address: '城东区解放路 88 号', location: place });
    const caseId = created.body.case.id as string;
    const assign = await todo(dispatcher, caseId, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${assign}/complete`, { variables: { inspector: 'inspector1' } })).status).to.equal(200);
    const verify = await todo(inspector, caseId, 'verifyReport');
    const bytes = onSite ? await jpeg({ seed: 7, takenAt: exifTime(new Date()), gps: place }) : await jpeg({ seed: 8 });
    const form = new FormData();
    form.append('photo', new Blob([bytes], { type: 'image/jpeg' }), 'site.jpg');
    const photo = await inspector.request('POST', `/api/tasks/${verify}/photos`, form);
    expect(photo.status, JSON.stringify(photo.body)).to.equal(201);
    const done = await inspector.post(`/api/tasks/${verify}/complete`, { variables: { verification: 'unsubstantiated', verifyNotes: '现场未发现摊贩', verifyPhotos: [photo.body.id] } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    return caseId;
  }

  it('dismisses at once when the photos pass the check', async () => {
    const caseId = await dismissAsInspector(true);
    const closed = await eventually(async () => {
      const body = (await dispatcher.get(`/api/cases/${caseId}`)).body;
      return body.case.status === 'dismissed' ? body : null;
    }, 'the case dismissed');
    expect(closed.rounds.flatMap((r: { tasks: { elementId: string }[] }) => r.tasks.map((t) => t.elementId))).to.not.include('confirmDismissal');
  });

  it('waits for 确认不属实 when the photos are doubtful; confirmed, the case is dismissed', async () => {
    const caseId = await dismissAsInspector(false);
    const confirm = await todo(dispatcher, caseId, 'confirmDismissal');
    expect((await dispatcher.get(`/api/cases/${caseId}`)).body.case).to.include({ status: 'open', currentStep: 'confirmDismissal' });
    expect((await dispatcher.post(`/api/tasks/${confirm}/complete`, { variables: { dismissalDecision: 'confirm' } })).status).to.equal(200);
    await eventually(async () => (await dispatcher.get(`/api/cases/${caseId}`)).body.case.status === 'dismissed', 'the case dismissed');
  });

  it('sends it back to 派发核实 with what to check (required), and the case goes on', async () => {
    const caseId = await dismissAsInspector(false);
    const confirm = await todo(dispatcher, caseId, 'confirmDismissal');
    const noReason = await dispatcher.post(`/api/tasks/${confirm}/complete`, { variables: { dismissalDecision: 'reverify', dismissalNotes: ' ' } });
    expect(noReason.status).to.equal(422);
    expect(noReason.body.errors).to.deep.equal([{ field: 'dismissalNotes', message: '必填' }]);
    expect((await dispatcher.post(`/api/tasks/${confirm}/complete`, { variables: { dismissalDecision: 'reverify', dismissalNotes: '照片无定位，请换人再核实' } })).status).to.equal(200);
    const again = await todo(dispatcher, caseId, 'assignInspector');
    expect((await dispatcher.post(`/api/tasks/${again}/complete`, { variables: { inspector: 'inspector2' } })).status).to.equal(200);
    const inspector2 = await server.signIn('inspector2');
    const verify = await todo(inspector2, caseId, 'verifyReport');
    // the second inspector reads why it came back
    expect((await inspector2.get(`/api/tasks/${verify}/form`)).body.data).to.include({ dismissalNotes: '照片无定位，请换人再核实' });
    expect((await dispatcher.get(`/api/cases/${caseId}`)).body.case.status).to.equal('open');
  });
});
