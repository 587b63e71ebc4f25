/**
 * Hostile input answered as a client error, never 500 (security review, issue 13): bodies
 * that claim a compression they do not have, numbers too large to be numbers (1e309 becomes
 * Infinity), and usernames that are not well-formed Unicode (a lone UTF-16 surrogate).
 */
import { gzipSync, deflateSync } from 'node:zlib';
import { expect } from 'chai';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.js';

describe('hostile input is a client error, never 500', function () {
  this.timeout(120_000);
  let server: TestServer;
  let admin: ApiClient;
  let doc: any;

  before(async () => {
    server = await startTestServer();
    admin = await server.signIn('admin');
    doc = (await server.anonymous().get('/api/openapi.json')).body;
  });
  after(async () => server?.close());

  function expectProblem(response: { status: number; body: any; headers: Headers }, status: number, code: string, what = '') {
    expect(response.status, `${what} ${JSON.stringify(response.body)}`).to.equal(status);
    expect(response.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
    expect(response.body, what).to.include({ status, code });
    expect(response.body.title, what).to.be.a('string').and.not.equal('');
  }

  /** A raw POST whose body bytes are sent as given (ApiClient would JSON-encode a Buffer). */
  async function postRaw(url: string, body: Uint8Array, headers: Record<string, string>, token: string | null = null) {
    const response = await fetch(`${server.url}${url}`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: (type.includes('json') ? await response.json() : await response.text()) as any };
  }

  describe('compressed bodies (F2)', () => {
    const notCompressed = new TextEncoder().encode(JSON.stringify({ username: 'admin', password: 'x' }));

    for (const encoding of ['gzip', 'deflate', 'br']) {
      it(`answers 400 request.invalid to a body that claims Content-Encoding: ${encoding} but is not (sign-in, and signed-in routes; zh and en)`, async () => {
        // sign-in is public: its body is read at once; other routes read it only after the token
        // (F4), so anonymous callers get 401 there and the signed-in admin the 400
        for (const [url, token] of [['/api/auth/login', null], ['/api/cases', admin.token], ['/api/units', admin.token]] as const) {
          const zh = await postRaw(url, notCompressed, { 'content-encoding': encoding }, token ?? undefined);
          expectProblem(zh, 400, 'request.invalid', `${encoding} ${url}`);
          expect(zh.body.title).to.equal('请求参数不正确');
          expect(zh.body.field).to.equal('body');
          const en = await postRaw(url, notCompressed, { 'content-encoding': encoding, 'accept-language': 'en' }, token ?? undefined);
          expectProblem(en, 400, 'request.invalid', `${encoding} ${url} en`);
          expect(en.body.title).to.equal('The request is invalid');
        }
        expectProblem(await postRaw('/api/cases', notCompressed, { 'content-encoding': encoding }), 401, 'auth.required', `${encoding} anonymous`);
      });
    }

    it('answers 400 to a gzip body cut short', async () => {
      const whole = gzipSync(Buffer.from(JSON.stringify({ username: 'admin', password: 'x' })));
      expectProblem(await postRaw('/api/auth/login', whole.subarray(0, whole.length - 6), { 'content-encoding': 'gzip' }), 400, 'request.invalid');
    });

    it('still reads a valid gzip or deflate JSON body', async () => {
      const credentials = Buffer.from(JSON.stringify({ username: 'admin', password: 'wrong-password-1' }));
      expectProblem(await postRaw('/api/auth/login', gzipSync(credentials), { 'content-encoding': 'gzip' }), 401, 'auth.invalid_credentials');
      expectProblem(await postRaw('/api/auth/login', deflateSync(credentials), { 'content-encoding': 'deflate' }), 401, 'auth.invalid_credentials');
      const unit = await postRaw('/api/units', gzipSync(Buffer.from(JSON.stringify({ id: 'U-GZIP', name: '压缩测试单位' }))), { 'content-encoding': 'gzip' }, admin.token);
      expect(unit.status, JSON.stringify(unit.body)).to.equal(200);
    });
  });

  describe('numbers too large to be numbers (F3)', () => {
    const hostile = ['1e309', '-1e309', '99999999999999999999', '1e20', '9007199254740993'];
    const numeric = (schema: any) => [schema?.type].flat().some((t) => t === 'integer' || t === 'number');

    it('answers 400 request.invalid for each in every integer query parameter and path id of the documented routes', async () => {
      const tried: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
        for (const [method, op] of Object.entries(ops)) {
          for (const parameter of (op.parameters ?? []) as { name: string; in: string; schema: unknown }[]) {
            if (!numeric(parameter.schema)) continue;
            for (const value of hostile) {
              const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === parameter.name && parameter.in === 'path' ? encodeURIComponent(value) : name === 'username' ? 'nobody' : name === 'key' ? 'enforcement-case' : 'doc-check'));
              const url = parameter.in === 'query' ? `${filled}?${parameter.name}=${encodeURIComponent(value)}` : filled;
              const response = await admin.request(method.toUpperCase(), url, ['post', 'put', 'patch'].includes(method) ? {} : undefined);
              expectProblem(response, 400, 'request.invalid', `${method.toUpperCase()} ${url}`);
              expect(response.body.field, `${method.toUpperCase()} ${url}`).to.equal(parameter.name);
              tried.push(`${method.toUpperCase()} ${path} ${parameter.name}`);
            }
          }
        }
      }
      // the routes the review named are among those tried
      for (const key of ['GET /api/users offset', 'GET /api/sms/inbox offset', 'GET /api/audit before', 'GET /api/integration/sms/received after', 'GET /api/sms/inbox/{id} id', 'GET /api/cases offset', 'GET /api/tasks offset']) {
        expect(tried, key).to.include(key);
      }
    });

    it('answers 400 to 1e309 (Infinity once parsed) in a JSON body number', async () => {
      const body = '{"code":"inf-check","nameZh":"无穷","nameEn":"Infinity","timeLimitHours":1e309}';
      expectProblem(await admin.request('POST', '/api/categories', body), 400, 'request.invalid', 'categories');
      const position = '{"lng":1e309,"lat":30}';
      expectProblem(await admin.request('PUT', '/api/officers/zhangwei/position', position), 400, 'request.invalid', 'position');
    });
  });

  describe('usernames that are not well-formed Unicode (F11a)', () => {
    const lone = ['ab\uD800', '\uDC00zz', 'x\uDBFFy'];

    it('refuses them on POST /api/officers with 400, every time, and leaves no officer', async () => {
      for (const username of lone) {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          expectProblem(await admin.post('/api/officers', { username, displayName: '孤代理', unitId: 'U-JD-01' }), 400, 'request.invalid', `${JSON.stringify(username)} #${attempt}`);
        }
      }
      const officers = (await admin.get('/api/officers')).body as { username: string }[];
      expect(officers.filter((o) => !o.username.isWellFormed() || o.username.includes('\uFFFD'))).to.deep.equal([]);
    });

    it('refuses them on POST /api/unit-leads with 400, every time', async () => {
      for (const username of lone) {
        for (let attempt = 0; attempt < 2; attempt += 1) {
          expectProblem(await admin.post('/api/unit-leads', { username, unitId: 'U-JD-01' }), 400, 'request.invalid', `${JSON.stringify(username)} #${attempt}`);
        }
      }
    });

    it('refuses them in roster entries and on the user routes with 400', async () => {
      expectProblem(await admin.post('/api/rosters', { entries: [{ username: 'ab\uD800', date: '2030-01-01' }] }), 400, 'request.invalid', 'rosters');
      expectProblem(await admin.post('/api/users', { username: 'ab\uD800', displayName: '孤代理', mobile: '13800000000', role: 'officer', unitId: 'U-JD-01' }), 400, 'request.invalid', 'users');
      for (const path of ['/api/users/ab%ED%A0%80', `/api/users/${encodeURIComponent('ab\uFFFD')}`]) {
        const response = await admin.get(path);
        expect(response.status, `${path} ${JSON.stringify(response.body)}`).to.be.oneOf([400, 404]);
      }
    });

    it('answers sign-in with such a name like a wrong password (401), zh and en', async () => {
      for (const username of lone) {
        const zh = await server.anonymous().post('/api/auth/login', { username, password: 'whatever-1' });
        expectProblem(zh, 401, 'auth.invalid_credentials', JSON.stringify(username));
        expect(zh.body.title).to.equal('用户名或密码错误');
        const en = await server.anonymous().request('POST', '/api/auth/login', { username, password: 'whatever-1' }, { 'accept-language': 'en' });
        expectProblem(en, 401, 'auth.invalid_credentials', JSON.stringify(username));
      }
    });

    it('a second save of the same officer or lead updates it (200), never 500', async () => {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const officer = await admin.post('/api/officers', { username: 'dup.officer', displayName: `重复 ${attempt}`, unitId: 'U-JD-01' });
        expect(officer.status, JSON.stringify(officer.body)).to.equal(200);
        const lead = await admin.post('/api/unit-leads', { username: 'dup.lead', unitId: 'U-JD-01' });
        expect(lead.status, JSON.stringify(lead.body)).to.equal(200);
      }
    });
  });
});
