/**
 * The pages poll their task lists and the open case with the last ETag: an unchanged answer is
 * a 304 without a body, a change (a new case's task) is a 200 with a new tag; answers stay
 * no-store, and writes carry no tag.
 */
import { expect } from 'chai';
import { eventually, startTestServer, type ApiClient, type TestServer } from '../support/server.js';

describe('API: conditional GETs for polling', function () {
  this.timeout(60_000);
  let server: TestServer;
  let dispatcher: ApiClient;

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
  });
  after(async () => server?.close());

  it('answers 304 while the list is unchanged and 200 with a new ETag once a task arrives', async () => {
    const url = '/api/tasks?view=todo&limit=50&counts=true';
    const first = await dispatcher.get(url);
    expect(first.status).to.equal(200);
    const tag = first.headers.get('etag');
    expect(tag).to.match(/^W\/"[\w-]+"$/);
    expect(first.headers.get('cache-control')).to.equal('no-store');
    expect(first.headers.get('content-type')).to.match(/^application\/json/);

    const same = await dispatcher.request('GET', url, undefined, { 'if-none-match': tag as string });
    expect(same.status).to.equal(304);
    expect((same.body as Buffer).length).to.equal(0);
    // another tag, or a list of tags without ours, gets the whole answer
    expect((await dispatcher.request('GET', url, undefined, { 'if-none-match': 'W/"other", W/"more"' })).status).to.equal(200);
    expect((await dispatcher.request('GET', url, undefined, { 'if-none-match': `W/"other", ${tag}` })).status).to.equal(304);

    const created = await dispatcher.post('/api/cases', {
      source: 'hotline', category: 'street-vending', description: '解放路流动摊贩', address: '城东区解放路 1 号', location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: null,
    });
    expect(created.status).to.equal(201);
    expect(created.headers.get('etag')).to.equal(null);
    const changed = await eventually(async () => {
      const answer = await dispatcher.request('GET', url, undefined, { 'if-none-match': tag as string });
      return answer.status === 200 ? answer : null;
    }, 'the list changed');
    expect(changed.headers.get('etag')).to.not.equal(tag);
    expect(changed.body.items.some((t: { caseId: string }) => t.caseId === created.body.case.id)).to.equal(true);
  });

  it('tags the case detail, and another user sees their own answer, not a 304 for someone else\'s', async () => {
    const created = await dispatcher.post('/api/cases', {
      source: 'web', category: 'noise', description: '夜间施工噪音', address: '城东区建国路 9 号', location: { lng: 120.2075, lat: 30.2625 }, reporterPhone: null,
    });
    const detail = await dispatcher.get(`/api/cases/${created.body.case.id}`);
    const tag = detail.headers.get('etag') as string;
    expect(tag).to.be.a('string');
    const officer = await server.signIn('zhangwei');
    // the officer may not see this case (a case out of scope is not found): the tag does not turn that into a 304
    expect((await officer.request('GET', `/api/cases/${created.body.case.id}`, undefined, { 'if-none-match': tag })).status).to.equal(404);
  });
});
