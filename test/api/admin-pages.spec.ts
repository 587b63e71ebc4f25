/**
 * The admin pages' API additions: unit leads listed and removed, a category edited by its code
 * (and found in the audit log), every area's geometry for the map, one area readable by field
 * staff (their case's outline), the modeler's per-version case counts and element overlay, form
 * preview, and the pages' installation settings (the map's tile server).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { expect } from 'chai';
import { createApp } from '../../api/src/app.js';
import { createFormOptions, createReassignTargets } from '../../api/src/form-options.js';
import { registerWebConfigRoutes, tileOrigin } from '../../web/server/config-routes.js';
import { serveWeb } from '../../web/server/static.js';
import { ensureWebBuild } from '../../web/server/build.js';
import { ApiClient, eventually, startTestServer, type TestServer } from '../support/server.js';

describe('admin pages API (units, categories, areas map, audit, modeler counts and forms)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let admin: ApiClient;
  let dispatcher: ApiClient;
  let officer: ApiClient;

  before(async () => {
    server = await startTestServer();
    [admin, dispatcher, officer] = await Promise.all([server.signIn('admin'), server.signIn('dispatcher1'), server.signIn('zhangwei')]);
  });
  after(async () => server?.close());

  it('lists and removes unit leads (admins only)', async () => {
    const leads = await admin.get('/api/unit-leads?unitId=U-JD-01');
    expect(leads.status).to.equal(200);
    expect(leads.body).to.deep.equal([{ username: 'wangqiang', unitId: 'U-JD-01' }]);
    expect((await dispatcher.get('/api/unit-leads')).status).to.equal(403);
    expect((await server.anonymous().get('/api/unit-leads')).status).to.equal(401);
    expect((await admin.post('/api/unit-leads', { username: 'lijun', unitId: 'U-JD-01' })).status).to.equal(200);
    expect((await admin.get('/api/unit-leads?unitId=U-JD-01')).body.map((l: { username: string }) => l.username)).to.deep.equal(['lijun', 'wangqiang']);
    expect((await officer.request('DELETE', '/api/unit-leads/U-JD-01/lijun')).status).to.equal(403);
    expect((await admin.request('DELETE', '/api/unit-leads/U-JD-01/lijun')).status).to.equal(204);
    expect((await admin.request('DELETE', '/api/unit-leads/U-JD-01/lijun')).status).to.equal(404);
    expect((await admin.get('/api/unit-leads?unitId=U-JD-01')).body).to.have.length(1);
  });

  it('edits a category by its code, refuses others and bad input, and audits the edit with its code', async () => {
    const edit = { nameZh: '占道经营（含夜市）', nameEn: 'Street vending', timeLimitHours: 12, overrideUnitId: 'U-SR-01' };
    const saved = await admin.request('PUT', '/api/categories/street-vending', edit);
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body).to.include({ code: 'street-vending', nameZh: '占道经营（含夜市）', overrideUnitId: 'U-SR-01', timeLimitHours: 12 });
    const listed = (await officer.get('/api/categories')).body.find((c: { code: string }) => c.code === 'street-vending');
    expect(listed).to.include({ nameZh: '占道经营（含夜市）', overrideUnitId: 'U-SR-01' });

    expect((await admin.request('PUT', '/api/categories/no-such', edit)).status).to.equal(404);
    const invalid = await admin.request('PUT', '/api/categories/street-vending', { ...edit, timeLimitHours: 0 });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.field).to.equal('timeLimitHours');
    expect((await admin.request('PUT', '/api/categories/street-vending', { ...edit, code: 'other' })).status).to.equal(400);
    expect((await admin.request('PUT', '/api/categories/street-vending', { ...edit, overrideUnitId: 'U-NONE' })).status).to.equal(400);
    expect((await dispatcher.request('PUT', '/api/categories/street-vending', edit)).status).to.equal(403);

    const log = await admin.get('/api/audit?actor=admin&action=category.*&limit=10');
    expect(log.status).to.equal(200);
    const entry = log.body.entries.find((e: { action: string; outcome: string }) => e.action === 'category.update' && e.outcome === 'success');
    expect(entry).to.include({ actor: 'admin', target: 'street-vending' });
    const refused = await admin.get('/api/audit?actor=dispatcher1&action=category.update');
    expect(refused.body.entries[0]).to.include({ outcome: 'refused', target: 'street-vending' });
    const none = await admin.get(`/api/audit?action=category.update&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`);
    expect(none.body.entries).to.deep.equal([]);
  });

  it("gives the map every area's geometry, and any signed-in user one area (a case's outline)", async () => {
    const all = await dispatcher.get('/api/areas/geojson');
    expect(all.status).to.equal(200);
    expect(all.body.type).to.equal('FeatureCollection');
    expect(all.body.features).to.have.length((await admin.get('/api/areas')).body.length).and.length.greaterThan(10);
    const park = all.body.features.find((f: { properties: { name: string } }) => f.properties.name === '东湖公园网格');
    expect(park.geometry.type).to.equal('Polygon');
    expect(park.geometry.coordinates).to.have.length(2); // the park's hole survives
    expect((await officer.get('/api/areas/geojson')).status).to.equal(403);

    const one = await officer.get(`/api/areas/${park.id}`);
    expect(one.status).to.equal(200);
    expect(one.body).to.include({ id: park.id, name: '东湖公园网格' });
    expect((await officer.get('/api/areas/NO-SUCH')).status).to.equal(404);
    expect((await server.anonymous().get(`/api/areas/${park.id}`)).status).to.equal(401);
  });

  it('counts open and ended cases per version and where the open ones stand; previews forms', async () => {
    const opened = await dispatcher.post('/api/cases', { source: 'hotline', category: 'illegal-posting', description: '版本计数测试', address: '城东区解放路 2 号' });
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const standing = await eventually(async () => {
      const answer = await admin.get('/api/processes/enforcement-case/versions/1/cases');
      return answer.body.elements?.length ? answer : null;
    }, 'the case to stand at a step');
    expect(standing.status).to.equal(200);
    expect(standing.body.version).to.equal(1);
    expect(standing.body.open).to.be.greaterThan(0);
    const sum = standing.body.elements.reduce((n: number, e: { open: number }) => n + e.open, 0);
    expect(sum).to.equal(standing.body.open);
    const current = (await admin.get(`/api/cases/${opened.body.case.id}`)).body.case.currentStep;
    expect(standing.body.elements.map((e: { elementId: string }) => e.elementId)).to.include(current);

    const versions = (await admin.get('/api/processes')).body.find((d: { bpmnProcessId: string }) => d.bpmnProcessId === 'enforcement-case').versions;
    expect(versions.find((v: { version: number }) => v.version === 1)).to.include({ running: standing.body.open, closed: standing.body.closed });
    expect((await admin.get('/api/processes/enforcement-case/versions/99/cases')).status).to.equal(404);
    expect((await dispatcher.get('/api/processes/enforcement-case/versions/1/cases')).status).to.equal(403);

    const form = await admin.get('/api/modeler/forms/verify-report');
    expect(form.status).to.equal(200);
    expect(form.body.id).to.equal('verify-report');
    expect(form.body.components).to.be.an('array').with.length.greaterThan(0);
    expect((await admin.get('/api/modeler/forms/no-such-form')).status).to.equal(404);
    expect((await admin.get('/api/modeler/forms/..%2Fpackage')).status).to.equal(400);
    expect((await dispatcher.get('/api/modeler/forms/verify-report')).status).to.equal(403);
  });

  it("serves the pages' settings (tile server) and lets the pages load its tiles", async () => {
    const tileUrl = 'https://tiles.bureau.example/{z}/{x}/{y}.png';
    expect(tileOrigin(tileUrl)).to.equal('https://tiles.bureau.example');
    expect(tileOrigin(null)).to.equal(null);
    const { app } = createApp({
      platform: server.platform, authenticate: server.identity.authenticate,
      formOptions: createFormOptions({ people: server.identity.accounts as never, units: server.platform.units }),
      reassignTargets: createReassignTargets({ people: server.identity.accounts as never, units: server.platform.units }),
      extraRoutes: [(r) => registerWebConfigRoutes(r, { map: { tileUrl, attribution: '© 市测绘院' } })],
    });
    const pages = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-pages-'));
    fs.writeFileSync(path.join(pages, 'index.html'), '<!doctype html><title>t</title>');
    const web = new Koa().use(serveWeb(pages, { imgSources: [tileOrigin(tileUrl) as string] }));
    const listening = [app.listen(0, '127.0.0.1'), web.listen(0, '127.0.0.1')];
    await Promise.all(listening.map((l) => new Promise((resolve) => l.once('listening', resolve))));
    try {
      const [base, webBase] = listening.map((l) => `http://127.0.0.1:${(l.address() as AddressInfo).port}`);
      const answer = await new ApiClient(base, admin.token).get('/api/web-config');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ map: { tileUrl, attribution: '© 市测绘院' } });
      expect((await new ApiClient(base, null).get('/api/web-config')).status).to.equal(401);
      const csp = (await fetch(`${webBase}/tasks/1`)).headers.get('content-security-policy') ?? '';
      expect(csp).to.match(/img-src 'self' blob: data: https:\/\/tiles\.bureau\.example;/);
      expect(csp).to.include("connect-src 'self'");
    } finally {
      await Promise.all(listening.map((l) => new Promise((resolve) => l.close(resolve))));
      fs.rmSync(pages, { recursive: true, force: true });
    }
  });

  it('wires MAP_TILE_URL through the running server: the settings route and the pages\' image policy', async function () {
    expect((await officer.get('/api/web-config')).body).to.deep.equal({ map: { tileUrl: null, attribution: null } });
    // the policy comes with the pages, so they must be built (a fresh clone has no web/dist yet)
    this.timeout(180_000);
    await ensureWebBuild(() => {});
    const tiled = await startTestServer({ MAP_TILE_URL: 'https://tiles.bureau.example/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '© 市测绘院' });
    try {
      const answer = await (await tiled.signIn('zhangwei')).get('/api/web-config');
      expect(answer.body).to.deep.equal({ map: { tileUrl: 'https://tiles.bureau.example/{z}/{x}/{y}.png', attribution: '© 市测绘院' } });
      const csp = (await fetch(`${tiled.url}/`)).headers.get('content-security-policy') ?? '';
      expect(csp).to.include('https://tiles.bureau.example');
    } finally {
      await tiled.close();
    }
  });
});
