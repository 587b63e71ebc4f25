/**
 * No body is read before its sender is known and allowed (security review, issue 13 F4): an
 * anonymous request, or a signed-in one without the route's role, is answered 401 / 403 while
 * its body is still on the way — the server neither waits for nor parses the megabytes — on
 * every documented route that takes a body. Allowed callers still send large area uploads.
 */
import http from 'node:http';
import { expect } from 'chai';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.js';

/** The declared size of the slow bodies: far more than is ever sent. */
const DECLARED = 8 * 1024 * 1024;
/** What is sent of it before waiting for the answer. */
const FIRST_CHUNK = 64 * 1024;

interface EarlyAnswer {
  status: number;
  body: any;
  /** Body bytes written when the answer came. */
  sent: number;
}

/**
 * POSTs headers announcing an 8 MB JSON body, writes its first 64 KB and then waits for the
 * answer without writing more: a server that reads the whole body first never answers (the
 * deadline is a failure guard, not a wait the test depends on).
 */
function answerBeforeBody(baseUrl: string, path: string, token: string | null, method = 'POST', deadlineMs = 5000): Promise<EarlyAnswer> {
  const url = new URL(path, baseUrl);
  return new Promise<EarlyAnswer>((resolve, reject) => {
    const req = http.request(url, {
      method,
      headers: { 'content-type': 'application/json', 'content-length': String(DECLARED), connection: 'close', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    let sent = 0;
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error(`${method} ${path}: no answer while the body was incomplete (${sent} of ${DECLARED} bytes sent) — the server waits for the whole body`));
    }, deadlineMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(deadline);
        req.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch { /* not JSON: kept as text */ }
        resolve({ status: res.statusCode ?? 0, body, sent });
      });
    });
    // the socket is torn down by us once answered; an error after that is expected
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    const opening = Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","pad":"');
    const chunk = Buffer.alloc(FIRST_CHUNK, 'x');
    opening.copy(chunk);
    req.write(chunk, () => {
      sent = chunk.length;
    });
  });
}

describe('bodies are read only after sign-in and the role check (F4)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let admin: ApiClient;
  let byRole: Record<string, ApiClient>;
  let bodyRoutes: { method: string; path: string; roles: string[] | null }[];

  before(async () => {
    server = await startTestServer();
    admin = await server.signIn('admin');
    byRole = { admin, dispatcher: await server.signIn('dispatcher1'), inspector: await server.signIn('inspector1'), officer: await server.signIn('zhangwei') };
    const doc = (await server.anonymous().get('/api/openapi.json')).body;
    bodyRoutes = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.requestBody || !op.security) continue; // public routes (sign-in) have their own small limit
        bodyRoutes.push({ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, 'x1'), roles: op['x-roles'] ?? null });
      }
    }
  });
  after(async () => server?.close());

  it('answers an anonymous 8 MB body with 401 before it is sent: POST /api/areas, /api/units, /api/cases', async () => {
    for (const path of ['/api/areas', '/api/units', '/api/cases']) {
      const answer = await answerBeforeBody(server.url, path, null);
      expect(answer.status, `${path} ${JSON.stringify(answer.body)}`).to.equal(401);
      expect(answer.body.code, path).to.equal('auth.required');
      expect(answer.sent, path).to.be.at.most(FIRST_CHUNK);
    }
  });

  it('answers 401 before the body on every documented route that takes one', async () => {
    expect(bodyRoutes.length).to.be.greaterThan(10);
    for (const route of bodyRoutes) {
      const answer = await answerBeforeBody(server.url, route.path, null, route.method);
      expect(answer.status, `${route.method} ${route.path} ${JSON.stringify(answer.body)}`).to.equal(401);
    }
  });

  it('answers 403 before the body to a signed-in user without the role, on every role-limited route', async () => {
    let tried = 0;
    for (const route of bodyRoutes) {
      if (!route.roles) continue;
      const outsider = Object.keys(byRole).find((role) => !route.roles!.includes(role));
      if (!outsider) continue;
      const answer = await answerBeforeBody(server.url, route.path, byRole[outsider]!.token, route.method);
      expect(answer.status, `${outsider}: ${route.method} ${route.path} ${JSON.stringify(answer.body)}`).to.equal(403);
      expect(answer.body.code).to.equal('auth.forbidden');
      tried += 1;
    }
    expect(tried, 'role-limited routes tried').to.be.greaterThan(5);
    const areas = await answerBeforeBody(server.url, '/api/areas', byRole.inspector!.token);
    expect(areas.status).to.equal(403);
  });

  it('still takes a 3 MB area upload from an admin, and still refuses 1 MB+ bodies elsewhere and 64 KB+ sign-ins', async () => {
    const square = { type: 'Polygon', coordinates: [[[121, 31], [121.01, 31], [121.01, 31.01], [121, 31.01], [121, 31]]] };
    const upload = { type: 'FeatureCollection', features: [{ type: 'Feature', pad: 'x'.repeat(3 * 1024 * 1024), properties: { id: 'T-BIG', name: '大文件网格', kind: 'grid', unitId: 'U-JD-01' }, geometry: square }] };
    const saved = await admin.post('/api/areas', upload);
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body.created).to.equal(1);

    const tooLarge = await admin.post('/api/units', { id: 'U-BIG', name: 'x'.repeat(1_200_000) });
    expect(tooLarge.status, JSON.stringify(tooLarge.body)).to.equal(413);
    expect(tooLarge.body.code).to.equal('payload.too_large');

    const signIn = await server.anonymous().post('/api/auth/login', { username: 'admin', password: 'x'.repeat(100 * 1024) });
    expect(signIn.status, JSON.stringify(signIn.body)).to.equal(413);
    const fine = await server.anonymous().post('/api/auth/login', { username: 'admin', password: 'wrong-password-1' });
    expect(fine.status).to.equal(401);
    expect(fine.body.code).to.equal('auth.invalid_credentials');
  });
});
