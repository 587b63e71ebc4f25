/**
 * 案件查询 over HTTP: the one search box finds a case by its whole number, the number's tail
 * (`20261203-0002`, `0002`), the reporter's phone and its last 4 digits, and by text; answers
 * nothing for what matches no case, 400 for an overlong query, and never a case the asker may
 * not see.
 */
import { expect } from 'chai';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.js';

interface Found { items: { id: string; number: string; reporterPhone: string | null }[]; total: number }

describe('case search over HTTP: number, number tail, phone, phone last 4 and text in one box', function () {
  this.timeout(120_000);
  let server: TestServer;
  let dispatcher: ApiClient;
  let officer: ApiClient;
  const opened: { id: string; number: string; phone: string }[] = [];

  before(async () => {
    server = await startTestServer();
    dispatcher = await server.signIn('dispatcher1');
    officer = await server.signIn('zhangwei');
    for (const [phone, description, address] of [
      ['13912345671', '共享单车堆放阻塞盲道', '城东区庆春路'],
      ['+8613912345682', '沿街商铺油烟直排扰民', '城西区文三路'],
    ]) {
      const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description, address, reporterPhone: phone });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      opened.push({ id: created.body.case.id, number: created.body.case.number, phone: created.body.case.reporterPhone });
    }
  });
  after(async () => server?.close());

  async function search(client: ApiClient, q: string): Promise<Found> {
    const answer = await client.get<Found>(`/api/cases?${new URLSearchParams({ q })}`);
    expect(answer.status, `${q}: ${JSON.stringify(answer.body)}`).to.equal(200);
    return answer.body;
  }

  async function ids(q: string): Promise<string[]> {
    return (await search(dispatcher, q)).items.map((c) => c.id);
  }

  it('finds a case by its whole number, in any case, with or without spaces', async () => {
    const [first, second] = opened;
    expect(await ids(first.number)).to.deep.equal([first.id]);
    expect(await ids(second.number.toLowerCase())).to.deep.equal([second.id]);
    expect(await ids(` ${first.number} `)).to.deep.equal([first.id]);
  });

  it('finds a case by the tail of its number: day and sequence, or the sequence alone', async () => {
    for (const c of opened) {
      const tail = c.number.replace(/^ZF-/, '');
      expect(await ids(tail), tail).to.deep.equal([c.id]);
      const sequence = c.number.slice(-4);
      expect(await ids(sequence), sequence).to.include(c.id);
    }
  });

  it('finds a case by the reporter\'s phone, written any usual way, and by its last 4 digits', async () => {
    expect(opened.map((c) => c.phone)).to.deep.equal(['13912345671', '13912345682']);
    expect(await ids('13912345671')).to.deep.equal([opened[0].id]);
    expect(await ids('+86 139-1234-5682')).to.deep.equal([opened[1].id]);
    expect(await ids('5671')).to.include(opened[0].id).and.not.include(opened[1].id);
    expect(await ids('5682')).to.include(opened[1].id).and.not.include(opened[0].id);
  });

  it('finds a case by its description or address', async () => {
    expect(await ids('盲道')).to.deep.equal([opened[0].id]);
    expect(await ids('文三路')).to.include(opened[1].id).and.not.include(opened[0].id);
  });

  it('finds nothing for a query no case matches', async () => {
    for (const q of ['8765309', 'ZF-19990101-0001', '13000000000', '不存在的词语组合']) {
      const found = await search(dispatcher, q);
      expect(found.items, q).to.deep.equal([]);
      expect(found.total, q).to.equal(0);
    }
  });

  it('answers 400 to an overlong query', async () => {
    const answer = await dispatcher.get(`/api/cases?${new URLSearchParams({ q: '0'.repeat(101) })}`);
    expect(answer.status).to.equal(400);
  });

  it('never finds a case the asker may not see, however it is named', async () => {
    const [first] = opened;
    for (const q of [first.number, first.number.slice(-4), first.phone, first.phone.slice(-4), '盲道']) {
      expect((await search(officer, q)).items.map((c) => c.id), q).to.not.include(first.id);
    }
  });
});
