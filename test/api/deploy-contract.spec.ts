/**
 * POST /api/processes refuses a diagram that breaks the platform's contract or bpmnlint (issue 13
 * F9): a one-node stub as enforcement-case answers 422 with every problem named, and new cases
 * keep starting on the real diagram; a cosmetic change deploys as a new version.
 */
import { expect } from 'chai';
import { cosmeticChange, stubDiagram } from '../support/diagrams.js';
import { startTestServer, eventually, type ApiClient, type TestServer } from '../support/server.js';

describe('deploying a diagram: the contract and bpmnlint first', function () {
  this.timeout(60_000);
  let server: TestServer;
  let admin: ApiClient;

  before(async () => {
    server = await startTestServer();
    admin = await server.signIn('admin');
  });
  after(async () => server?.close());

  const latest = async () => (await admin.get('/api/processes')).body.find((d: { bpmnProcessId: string }) => d.bpmnProcessId === 'enforcement-case').latestVersion as number;

  it('refuses the stub as enforcement-case with each problem named, and cases still start on the real diagram', async () => {
    const before = await latest();
    const refused = await admin.post('/api/processes', { xml: stubDiagram(), name: 'enforcement-case.bpmn' });
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('deploy.invalid');
    const fields = refused.body.errors.map((e: { field: string }) => e.field);
    expect(fields).to.include.members(['assignInspector', 'verifyReport', 'enforce', 'caseClosed']);
    for (const e of refused.body.errors) expect(e.message, e.field).to.match(/[\u4e00-\u9fff]/);
    expect(refused.body.detail).to.match(/^流程图有 \d+ 处问题，未部署/);
    const en = await admin.request('POST', '/api/processes', { xml: stubDiagram() }, { 'accept-language': 'en' });
    expect(en.body.errors.find((e: { field: string }) => e.field === 'verifyReport').message).to.match(/missing/);
    expect(await latest()).to.equal(before);

    const dispatcher = await server.signIn('dispatcher1');
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '部署后立案', address: '城东区解放路 5 号' });
    await eventually(async () => (await dispatcher.get(`/api/cases/${created.body.case.id}`)).body.case.currentStep === 'assignInspector', 'the case at 派发核实');
  });

  it('deploys another process id on bpmnlint alone, and a cosmetic change of the real one as a new version', async () => {
    expect((await admin.post('/api/processes', { xml: stubDiagram('inspection-drill'), name: 'inspection-drill.bpmn' })).status).to.equal(201);
    const before = await latest();
    const deployed = await admin.post('/api/processes', { xml: cosmeticChange(), name: 'enforcement-case.bpmn' });
    expect(deployed.status, JSON.stringify(deployed.body)).to.equal(201);
    expect(await latest()).to.equal(before + 1);
  });
});
