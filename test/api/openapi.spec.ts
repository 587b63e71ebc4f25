/**
 * The OpenAPI document stays true: every mounted route is documented (with its request
 * schemas), and every documented operation exists — calling it never answers "no route".
 */
import { expect } from 'chai';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.js';

describe('OpenAPI 3.1 document at /api/openapi.json', function () {
  this.timeout(60_000);
  let server: TestServer;
  let admin: ApiClient;
  let doc: any;

  before(async () => {
    server = await startTestServer();
    admin = await server.signIn('admin');
    const response = await server.anonymous().get('/api/openapi.json');
    expect(response.status).to.equal(200);
    doc = response.body;
  });
  after(async () => server?.close());

  it('is OpenAPI 3.1 with problem responses and security schemes', () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.components.securitySchemes).to.have.keys('bearer', 'session');
    expect(doc.components.schemas.Problem.required).to.include.members(['type', 'title', 'status', 'code']);
  });

  it('documents every mounted route, with the body schema it validates', async () => {
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    expect(documented.size).to.be.greaterThan(25);
    for (const key of ['POST /api/cases', 'GET /api/cases', 'GET /api/cases/{id}', 'GET /api/tasks', 'POST /api/tasks/{id}/complete', 'POST /api/auth/login', 'POST /api/sms/inbox/{id}/case', 'POST /api/integration/sms/send', 'GET /api/integration/sms/received']) {
      expect(documented, key).to.include(key);
    }
    const createCase = doc.paths['/api/cases'].post;
    expect(createCase.requestBody.content['application/json'].schema.required).to.include.members(['source', 'category', 'description', 'address']);
    expect(createCase.responses).to.have.keys('201', '400', '401', '403');
  });

  it('bounds every integer and number a request may carry (params, query, body; nested too)', () => {
    // 1e309 coerces to Infinity and 99999999999999999999 to 1e20: both pass `type: integer`
    // unless a maximum refuses them, and then reach SQL (OFFSET Infinity) as a 500.
    const unbounded: string[] = [];
    const skip = new Set(['enum', 'const', 'default', 'examples', 'example', 'description']);
    const walk = (schema: unknown, where: string): void => {
      if (Array.isArray(schema)) return schema.forEach((s, i) => walk(s, `${where}[${i}]`));
      if (!schema || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type : [];
      if (types.some((t) => t === 'integer' || t === 'number')) {
        const low = typeof s.minimum === 'number' || typeof s.exclusiveMinimum === 'number';
        const high = typeof s.maximum === 'number' || typeof s.exclusiveMaximum === 'number';
        if (!low || !high) unbounded.push(`${where} (${!low ? 'no minimum' : ''}${!low && !high ? ', ' : ''}${!high ? 'no maximum' : ''})`);
      }
      for (const [key, value] of Object.entries(s)) if (!skip.has(key)) walk(value, `${where}.${key}`);
    };
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const parameter of op.parameters ?? []) walk(parameter.schema, `${method.toUpperCase()} ${path} ${parameter.in} ${parameter.name}`);
        for (const [type, content] of Object.entries((op.requestBody?.content ?? {}) as Record<string, { schema?: unknown }>)) walk(content.schema, `${method.toUpperCase()} ${path} body ${type}`);
      }
    }
    expect(unbounded).to.deep.equal([]);
  });

  it('every documented operation answers (no "no route")', async () => {
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'id' && /sms\/inbox/.test(path) ? '999999' : name === 'username' ? 'nobody' : 'doc-check'));
        // in English: the detail of a missing route says "no route"
        const response = await admin.request(method.toUpperCase(), url, ['post', 'put', 'patch'].includes(method) ? {} : undefined, { 'accept-language': 'en' });
        const noRoute = response.status === 404 && typeof response.body?.detail === 'string' && response.body.detail.startsWith('no route');
        expect(noRoute, `${method.toUpperCase()} ${path} is routed`).to.equal(false);
        expect(response.status, `${method.toUpperCase()} ${path}`).to.not.equal(405);
        expect(response.status, `${method.toUpperCase()} ${path} does not crash`).to.be.lessThan(500);
      }
    }
  });
});
