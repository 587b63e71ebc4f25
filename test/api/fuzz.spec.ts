/**
 * Fuzzing every operation of the OpenAPI document (issue 13, point 12): fast-check generates
 * hostile path ids, query values and bodies (naughty strings, lone surrogates, huge and odd
 * numbers, prototype keys, deep nesting, wrong types) for each documented operation, sent as a
 * signed-in admin and anonymously. Each answer must be below 500, the process must keep
 * answering, and a refused request (4xx) must leave every business table's row count as it was.
 * Bounded: a fixed number of runs per operation, with a fixed seed so a failure replays.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.js';

/** Tables a request may only change by succeeding (identity and audit record refusals on purpose). */
const businessTables = [
  'case_record', 'case_event', 'task_record', 'task_candidate', 'unit', 'unit_officer', 'unit_roster', 'unit_lead', 'case_category', 'area',
  'law_document', 'photo', 'sms_outbox', 'engine_definition', 'engine_instance', 'engine_user_task', 'archive_entry',
];

/** Operations whose success would end the fuzzing session itself. */
const skipped = /^(POST \/api\/auth\/(logout|password)|DELETE \/api\/auth)/;

const naughty = fc.constantFrom(
  '', ' ', '0', '-1', '1e309', '-1e309', '99999999999999999999', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', 'constructor', '__proto__', 'toString',
  '../../etc/passwd', '%00', '\u0000', '\uD800', 'ab\uDFFF', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE case_record; --', '${7*7}', '{{7*7}}',
  'ZF-20261203-0001', 'U-JD-01', 'admin', '　', '😀'.repeat(50), 'x'.repeat(5000), '١٢٣', 'ｆｕｌｌｗｉｄｔｈ',
);
const hostileString = fc.oneof(naughty, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const hostileScalar = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1e308), fc.constant(-0));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, hostileScalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(hostileString, tie('value'), { maxKeys: 4 })),
})).value;

/** A path segment; a lone surrogate (which encodeURIComponent refuses) goes as the invalid UTF-8 it would be. */
function segment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.toWellFormed())}%ED%A0%80`;
  }
}

interface Operation {
  method: string;
  path: string;
  params: string[];
  query: string[];
  bodyKeys: string[] | null;
  multipart: boolean;
}

function operations(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string }[];
      const content = op.requestBody?.content ?? null;
      const json = content?.['application/json']?.schema;
      out.push({
        method: method.toUpperCase(), path,
        params: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        bodyKeys: json ? Object.keys(json.properties ?? {}) : null,
        multipart: Boolean(content?.['multipart/form-data']),
      });
    }
  }
  return out;
}

describe('fuzzing every documented operation', function () {
  this.timeout(600_000);
  let server: TestServer;
  let admin: ApiClient;
  let ops: Operation[];
  const sent = { requests: 0, refused: 0, succeeded: 0, operations: 0 };

  before(async () => {
    server = await startTestServer();
    admin = await server.signIn('admin');
    ops = operations((await admin.get('/api/openapi.json')).body).filter((op) => !skipped.test(`${op.method} ${op.path}`));
  });
  after(async () => {
    console.log(`    fuzzed ${sent.operations} operations with ${sent.requests} requests: ${sent.refused} refused (4xx), ${sent.succeeded} answered 2xx/3xx, none 5xx`);
    await server?.close();
  });

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of businessTables) out[table] = Number(((await server.platform.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number | string }[])[0].n);
    return out;
  }

  it('answers every hostile input below 500, keeps serving, and changes nothing when it refuses', async () => {
    expect(ops.length).to.be.greaterThan(50);
    for (const op of ops) {
      sent.operations += 1;
      const input = fc.record({
        params: fc.tuple(...op.params.map(() => hostileString)),
        query: fc.tuple(...op.query.map(() => fc.option(hostileString, { nil: undefined }))),
        extraQuery: fc.option(fc.tuple(hostileString, hostileString), { nil: undefined }),
        body: op.bodyKeys
          ? fc.oneof(hostileValue, fc.tuple(...op.bodyKeys.map(() => fc.option(hostileValue, { nil: undefined }))).map((values) => Object.fromEntries(op.bodyKeys!.map((k, i) => [k, values[i]]).filter(([, v]) => v !== undefined))))
          : fc.constant(undefined),
        anonymous: fc.boolean(),
      });
      await fc.assert(fc.asyncProperty(input, async ({ params, query, extraQuery, body, anonymous }) => {
        let path = op.path;
        op.params.forEach((name, i) => { path = path.replace(`{${name}}`, segment(params[i] as string)); });
        const search = new URLSearchParams();
        op.query.forEach((name, i) => { if (query[i] !== undefined) search.set(name, query[i] as string); });
        if (extraQuery) search.set(extraQuery[0], extraQuery[1]);
        const url = `${path}${search.size ? `?${search}` : ''}`;
        const client = anonymous ? server.anonymous() : admin;
        const before = await counts();
        const payload = op.multipart || op.bodyKeys ? JSON.stringify(body ?? null) : undefined;
        let response;
        try {
          response = await client.request(op.method, url, payload, payload === undefined ? {} : { 'content-type': 'application/json' });
        } catch (error) {
          throw new Error(`${op.method} ${url}: no answer (${(error as Error).message})`, { cause: error });
        }
        sent.requests += 1;
        expect(response.status, `${op.method} ${url} ${payload?.slice(0, 300) ?? ''} → ${JSON.stringify(response.body).slice(0, 300)}`).to.be.below(500);
        if (response.status >= 400) {
          sent.refused += 1;
          expect(await counts(), `${op.method} ${url}: a refused request changed rows`).to.deep.equal(before);
        } else sent.succeeded += 1;
      }), { numRuns: 40, seed: 20261203, endOnFailure: true });
    }
    // still alive and answering
    expect((await server.anonymous().get('/api/health')).status).to.equal(200);
  });
});
