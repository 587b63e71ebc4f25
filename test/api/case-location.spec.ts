/**
 * Locations without typing coordinates (issue 12, point 3): PUT /api/cases/:id/location sets or
 * corrects where a case is — for the dispatcher or admin, and for the inspector holding the
 * case's open 现场核实 / 核查 task. Bad coordinates are refused field by field; the change is in
 * the timeline, the case row gets the area containing the point, and while the case is not yet
 * dispatched the unit suggestion is computed again from the new point.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

/** Inside 城东 (a G-CD grid cell of U-JD-01) in the demo district. */
const inCityEast = { lng: 120.2075, lat: 30.2625 };
/** Inside 城西 (U-JD-02). */
const inCityWest = { lng: 120.1875, lat: 30.2575 };

async function photo(): Promise<Blob> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg().toBuffer();
  return new Blob([jpeg], { type: 'image/jpeg' });
}

describe('a case located by PUT /api/cases/:id/location', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let inspector: ApiClient;
  let otherInspector: ApiClient;
  let lead: ApiClient;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    inspector = await server.signIn('inspector1');
    otherInspector = await server.signIn('inspector2');
    lead = await server.signIn('wangqiang');
  });
  after(async () => server?.close());

  const put = (client: ApiClient, caseId: string, body: unknown) => client.request('PUT', `/api/cases/${caseId}/location`, body);

  async function newCase(): Promise<string> {
    const created = await dispatcher.post('/api/cases', {
      source: 'sms', category: 'street-vending', description: '有人在路口摆摊', address: '城东区解放路路口', location: null,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    return created.body.case.id;
  }

  async function openTask(caseId: string, elementId: string): Promise<string> {
    return eventually(async () => {
      const detail = (await dispatcher.get(`/api/cases/${caseId}`)).body;
      const tasks = detail.rounds.flatMap((r: { tasks: { id: string; elementId: string; state: string }[] }) => r.tasks);
      return tasks.find((t: { elementId: string; state: string }) => t.elementId === elementId && t.state === 'created')?.id as string | undefined;
    }, `${elementId} open`);
  }

  async function complete(client: ApiClient, taskId: string, variables: Record<string, unknown>): Promise<void> {
    const response = await client.post(`/api/tasks/${taskId}/complete`, { variables });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
  }

  it('gives a case opened with a point its area at once', async () => {
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '占道', address: '解放路', location: inCityEast });
    expect(created.status).to.equal(201);
    expect(created.body.case.areaId).to.match(/^G-CD-/);
  });

  it('refuses coordinates out of range, field by field, in Chinese', async () => {
    const caseId = await newCase();
    for (const body of [{ lng: 200, lat: 30 }, { lng: 120, lat: 95 }, { lng: 30.26, lat: 120.2 }, { lng: '120', lat: 30 }, { lng: 120 }, { lng: 120, lat: 30, extra: 1 }]) {
      const response = await put(dispatcher, caseId, body);
      expect(response.status, JSON.stringify(body)).to.equal(400);
      expect(response.body.code).to.equal('request.invalid');
      expect(response.body.title).to.equal('请求参数不正确');
      expect(response.body.errors, JSON.stringify(response.body)).to.be.an('array').with.length.above(0);
      expect(response.body.errors.map((e: { field: string }) => e.field).join(',')).to.match(/lng|lat|extra/);
    }
    const detail = (await dispatcher.get(`/api/cases/${caseId}`)).body;
    expect(detail.case.location).to.equal(null);
  });

  it('answers 404 for a case one cannot see and 403 for someone who may see it but not locate it', async () => {
    const caseId = await newCase();
    expect((await put(dispatcher, '00000000-0000-0000-0000-000000000000', inCityEast)).status).to.equal(404);
    // inspector1 is sent to the case; inspector2 has nothing to do with it
    const assign = await openTask(caseId, 'assignInspector');
    expect((await put(inspector, caseId, inCityEast)).status).to.equal(404);
    await complete(dispatcher, assign, { inspector: 'inspector1', assignNotes: '请去现场' });
    const verify = await openTask(caseId, 'verifyReport');
    const refused = await put(otherInspector, caseId, inCityEast);
    expect(refused.status).to.equal(404);
    // the inspector holds 现场核实: allowed
    const located = await put(inspector, caseId, inCityWest);
    expect(located.status, JSON.stringify(located.body)).to.equal(200);
    expect(located.body.case.location).to.deep.equal(inCityWest);
    // once 现场核实 is done the inspector still sees the case but may no longer move it
    const photoForm = new FormData();
    photoForm.append('photo', await photo(), 'site.jpg');
    const uploaded = await inspector.request('POST', `/api/tasks/${verify}/photos`, photoForm);
    expect(uploaded.status).to.equal(201);
    await complete(inspector, verify, { verification: 'substantiated', verifyNotes: '属实', verifyPhotos: [uploaded.body.id] });
    const after = await put(inspector, caseId, inCityEast);
    expect(after.status).to.equal(403);
    expect(after.body.code).to.equal('case.location_forbidden');
    expect(after.body.title).to.match(/位置/);
    // a unit lead who cannot see the case: 404
    expect((await put(lead, caseId, inCityEast)).status).to.equal(404);
  });

  it('records the change in the timeline, sets the area and refreshes the unit suggestion', async () => {
    const caseId = await newCase();
    await complete(dispatcher, await openTask(caseId, 'assignInspector'), { inspector: 'inspector1' });
    const verify = await openTask(caseId, 'verifyReport');
    const photoForm = new FormData();
    photoForm.append('photo', await photo(), 'site.jpg');
    const uploaded = await inspector.request('POST', `/api/tasks/${verify}/photos`, photoForm);
    await complete(inspector, verify, { verification: 'substantiated', verifyNotes: '属实', verifyPhotos: [uploaded.body.id] });
    const dispatch = await openTask(caseId, 'dispatchToUnit');
    // without a location the suggestion had nothing to go on
    const before = (await dispatcher.get(`/api/tasks/${dispatch}/form`)).body;
    expect(before.data.suggestedUnitId ?? null).to.equal(null);

    const response = await put(dispatcher, caseId, { ...inCityEast, source: 'map' });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body.case.location).to.deep.equal(inCityEast);
    expect(response.body.case.areaId).to.match(/^G-CD-/);
    const event = response.body.timeline.find((e: { type: string }) => e.type === 'case.located');
    expect(event, 'a case.located event').to.not.equal(undefined);
    expect(event.actor).to.equal('dispatcher1');
    expect(event.data).to.deep.include({ location: inCityEast, previous: null, source: 'map', areaId: response.body.case.areaId, suggestedUnitId: 'U-JD-01' });

    const after = (await dispatcher.get(`/api/tasks/${dispatch}/form`)).body;
    expect(after.data.suggestedUnitId).to.equal('U-JD-01');
    expect(after.data.unitSuggestionReason).to.be.a('string').and.match(/网格/);
    expect(after.options.unitOptions[0].value).to.equal('U-JD-01');

    // moved to 城西: area and suggestion follow
    const moved = await put(dispatcher, caseId, inCityWest);
    expect(moved.status).to.equal(200);
    expect(moved.body.case.areaId).to.match(/^G-CX-/);
    expect((await dispatcher.get(`/api/tasks/${dispatch}/form`)).body.data.suggestedUnitId).to.equal('U-JD-02');
    const events = moved.body.timeline.filter((e: { type: string }) => e.type === 'case.located');
    expect(events).to.have.length(2);
    expect(events[1].data.previous).to.deep.equal(inCityEast);

    // dispatched with the new suggestion
    await complete(dispatcher, dispatch, { unitId: 'U-JD-02', dispatchNotes: '请处置' });
    const audit = await (await server.signIn('admin')).get('/api/audit?action=case.locate&limit=10');
    expect(audit.status).to.equal(200);
    expect(audit.body.entries.filter((a: { target: string; outcome: string }) => a.target === caseId && a.outcome === 'success')).to.have.length(2);
  });
});
