/**
 * A case's category must be one the bureau has (issue 13, F8): `constructor` once passed the
 * pattern check and its unit suggestion read "…由function Object() { [native code] }负责".
 */
import { expect } from 'chai';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.js';

describe('case categories: only the bureau\'s own, active ones', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  const report = (category: string) => ({ source: 'web', category, description: '占道经营', address: '城东区凤起路', location: { lng: 120.2075, lat: 30.2625 } });

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
  });
  after(async () => server?.close());

  it('refuses names of Object.prototype and unknown codes with 400, opening no case', async () => {
    const before = (await dispatcher.get('/api/cases?limit=1')).body.total;
    for (const category of ['constructor', 'tostring', 'hasownproperty', 'proto', 'no-such-category']) {
      const response = await dispatcher.post('/api/cases', report(category));
      expect(response.status, `${category}: ${JSON.stringify(response.body)}`).to.equal(400);
      expect(response.body.code).to.equal('case.unknown_category');
      expect(response.body.field).to.equal('category');
      expect(response.body.title).to.match(/[\u4e00-\u9fff]/);
    }
    expect((await dispatcher.get('/api/cases?limit=1')).body.total).to.equal(before);
  });

  it('still opens a case of a known category', async () => {
    const response = await dispatcher.post('/api/cases', report('street-vending'));
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
  });
});
