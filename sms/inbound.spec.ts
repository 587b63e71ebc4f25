// Citizens' messages in over real TCP: the simulator is the SMSC, the inbox is a real database.
import { expect } from 'chai';
import smpp from 'smpp';
import { buildDeliverSm } from './simulator/smsc.js';
import { startHarness, eventually, type Harness } from './test-support.js';

const LONG_ZH = '我要投诉：人民路与解放路交叉口东北角长期有流动摊贩占道经营，早晚高峰严重影响行人和非机动车通行，'
  + '油烟和垃圾也很多，附近居民多次反映无人处理。希望城管部门尽快派人到现场查看并依法处理，谢谢！😀𠮷'
  + '另外，该路段的共享单车乱停乱放、店外经营和占道堆放杂物的问题也一直存在，盲道被占用，老人和孩子只能走机动车道，'
  + '存在很大的安全隐患。恳请一并整治，并把处理结果短信告诉我。结束。';

describe('sms inbound over SMPP', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('stores a Chinese message in the inbox before acknowledging it', async () => {
    let storedAtAck: number | null = null;
    h.smsc.once('acked', () => {
      void h.sms.inbox.count().then((n) => {
        storedAtAck = n;
      });
    });
    h.smsc.sendMo({ from: '13800138000', text: '人民路有占道经营，请处理' });
    await h.smsc.waitIdle();
    await eventually(() => storedAtAck !== null);
    expect(storedAtAck).to.equal(1);
    const page = await h.sms.inbox.list();
    expect(page.total).to.equal(1);
    expect(page.items[0]).to.include({ sender: '13800138000', text: '人民路有占道经营，请处理', dataCoding: 8, partsCount: 1, handled: false });
  });

  it('reassembles long messages sent by UDH 8/16-bit, sar TLVs and message_payload, out of order and interleaved', async () => {
    expect(LONG_ZH.length).to.be.greaterThan(140);
    h.smsc.sendMo([
      { from: '13900000001', text: LONG_ZH, mode: 'udh8', order: 'reverse' },
      { from: '13900000002', text: LONG_ZH, mode: 'udh16', order: 'shuffle' },
      { from: '13900000003', text: LONG_ZH, mode: 'sar', order: 'shuffle' },
      { from: '13900000004', text: LONG_ZH, mode: 'payload' },
      { from: '13900000005', text: `GSM long ${'{abc}€ '.repeat(40)}`, mode: 'udh8', order: 'reverse' },
      // Two senders using the same reference must not be mixed.
      { from: '13900000006', text: `${LONG_ZH}甲`, mode: 'udh8', reference: 9 },
      { from: '13900000007', text: `${LONG_ZH}乙`, mode: 'udh8', reference: 9 },
    ], { interleave: true });
    await h.smsc.waitIdle();
    const page = await h.sms.inbox.list({ pageSize: 50 });
    expect(page.total).to.equal(7);
    const bySender = new Map(page.items.map((m) => [m.sender, m]));
    for (const sender of ['13900000001', '13900000002', '13900000003', '13900000004']) {
      expect(bySender.get(sender)!.text, sender).to.equal(LONG_ZH);
      expect(bySender.get(sender)!.decodeError).to.equal(null);
    }
    expect(bySender.get('13900000001')!.partsCount).to.equal(Math.ceil(LONG_ZH.length / 67));
    expect(bySender.get('13900000005')!.text).to.equal(`GSM long ${'{abc}€ '.repeat(40)}`);
    expect(bySender.get('13900000006')!.text).to.equal(`${LONG_ZH}甲`);
    expect(bySender.get('13900000007')!.text).to.equal(`${LONG_ZH}乙`);
  });

  it('answers ESME_RX_T_APPN when the database is down, then stores the redelivery once', async () => {
    await h.db.dataSource.destroy();
    const refusals: number[] = [];
    h.smsc.on('refused', (_id: number, status: number) => refusals.push(status));
    h.smsc.sendMo({ from: '13700000000', text: '数据库故障时发送的投诉' });
    await eventually(() => refusals.length > 0, 5000, 'a refusal');
    expect(refusals[0]).to.equal(0x64);
    await h.db.dataSource.initialize();
    await h.smsc.waitIdle();
    const page = await h.sms.inbox.list();
    expect(page.items.map((m) => m.text)).to.deep.equal(['数据库故障时发送的投诉']);
  });

  it('recognises redeliveries by content and by SMSC message id', async () => {
    h.smsc.sendMo({ from: '13600000000', text: '同一条短信' });
    h.smsc.sendMo({ from: '13600000000', text: '同一条短信' });
    h.smsc.sendMo({ from: '13600000001', text: 'with id', smscMessageId: 'MO-1' });
    h.smsc.sendMo({ from: '13600000001', text: 'with id (resent, different bytes)', smscMessageId: 'MO-1' });
    h.smsc.sendMo({ from: '13600000002', text: LONG_ZH, mode: 'udh8', reference: 77 });
    h.smsc.sendMo({ from: '13600000002', text: LONG_ZH, mode: 'udh8', reference: 77, order: 'reverse' });
    await h.smsc.waitIdle();
    const page = await h.sms.inbox.list();
    expect(page.total).to.equal(3);
    expect(page.items.every((m) => m.duplicates >= 1)).to.equal(true);
  });

  it('loses nothing and duplicates nothing when the SMSC link drops repeatedly', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? `${LONG_ZH}#${i}` : `投诉第${i}号：噪音扰民`));
    h.smsc.sendMo(texts.map((text, i) => ({ from: `1380000${String(i % 20).padStart(4, '0')}`, text })));
    for (let drop = 0; drop < 5; drop += 1) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      h.smsc.dropSessions();
      await h.sms.gateway.whenBound();
    }
    await h.smsc.waitIdle(20_000);
    const page = await h.sms.inbox.list({ pageSize: 200 });
    expect(page.total).to.equal(150);
    expect(new Set(page.items.map((m) => m.text)).size).to.equal(150);
    expect(h.sms.gateway.stats.binds).to.be.greaterThan(1);
  });

  it('answers malformed and unknown PDUs with error statuses and keeps working', async () => {
    const statuses = new Map<string, number>();
    h.smsc.on('refused', (_id: number, status: number, tag: string) => statuses.set(tag, status));
    const unknownCommand = (seq: number) => {
      const b = Buffer.alloc(16);
      b.writeUInt32BE(16, 0);
      b.writeUInt32BE(0x00000077, 4);
      b.writeUInt32BE(seq, 12);
      return b;
    };
    const truncated = (seq: number) => {
      const full = buildDeliverSm(seq, { source_addr: '13500000000', data_coding: 8, short_message: Buffer.from('6295', 'hex') });
      const cut = full.subarray(0, full.length - 1);
      const out = Buffer.from(cut);
      out.writeUInt32BE(out.length, 0);
      return out;
    };
    const zeroParts = (seq: number) => buildDeliverSm(seq, { source_addr: '13500000001', esm_class: 0x40, data_coding: 8, short_message: Buffer.from([5, 0, 3, 1, 0, 1, 0x62, 0x95]) });
    const manyParts = (seq: number) => buildDeliverSm(seq, { source_addr: '13500000002', data_coding: 8, short_message: Buffer.from('6295', 'hex') },
      [[0x020c, Buffer.from([0, 1])], [0x020e, Buffer.from([0x01, 0x2c])], [0x020f, Buffer.from([1])]]);
    const badUcs2 = (seq: number) => buildDeliverSm(seq, { source_addr: '13500000003', data_coding: 8, short_message: Buffer.from([0xd8, 0x3d, 0x62, 0x95, 0x41]) });
    h.smsc.enqueueRaw([unknownCommand], 'unknown');
    h.smsc.enqueueRaw([truncated], 'truncated');
    h.smsc.enqueueRaw([zeroParts], 'zero-parts');
    h.smsc.enqueueRaw([manyParts], 'many-parts');
    h.smsc.enqueueRaw([badUcs2], 'bad-ucs2');
    await h.smsc.waitIdle();
    expect(statuses.get('unknown')).to.equal(smpp.errors.ESME_RINVCMDID);
    expect(statuses.get('truncated')).to.equal(smpp.errors.ESME_RINVMSGLEN);
    expect(statuses.get('zero-parts')).to.equal(smpp.errors.ESME_RX_P_APPN);
    expect(statuses.get('many-parts')).to.equal(smpp.errors.ESME_RX_P_APPN);
    expect(statuses.has('bad-ucs2')).to.equal(false);
    const [stored] = (await h.sms.inbox.list()).items;
    expect(stored!.text).to.equal('\ufffd投\ufffd');
    expect(stored!.decodeError).to.match(/unpaired high surrogate.*odd length/);
    // A framing error (command_length 8) drops the link; the gateway reconnects and carries on.
    const binds = h.sms.gateway.stats.binds;
    h.smsc.writeRaw(Buffer.from([0, 0, 0, 8, 0, 0, 0, 5]));
    await eventually(() => h.sms.gateway.stats.binds > binds, 5000, 'a re-bind');
    h.smsc.sendMo({ from: '13500000009', text: '之后的短信' });
    await h.smsc.waitIdle();
    expect((await h.sms.inbox.list({ q: '之后' })).total).to.equal(1);
  });

  it('reports a multipart message whose parts never all arrive, keeping the parts', async () => {
    const pdus = h.smsc.moPdus({ from: '13400000000', text: LONG_ZH, mode: 'udh8' });
    h.smsc.enqueueRaw(pdus.slice(0, 2));
    await h.smsc.waitIdle();
    expect(await h.sms.inbox.incompleteGroups(60_000)).to.deep.equal([]);
    const groups = await h.sms.inbox.incompleteGroups(0, true, new Date(Date.now() + 1));
    expect(groups).to.have.length(1);
    expect(groups[0]).to.include({ sender: '13400000000', total: pdus.length });
    expect(groups[0]!.received).to.deep.equal([1, 2]);
    // Reported once; the last part still completes the message later.
    expect(await h.sms.inbox.incompleteGroups(0, true, new Date(Date.now() + 1))).to.deep.equal([]);
    h.smsc.enqueueRaw(pdus.slice(2));
    await h.smsc.waitIdle();
    expect((await h.sms.inbox.list()).items[0]!.text).to.equal(LONG_ZH);
  });

  it('lists, searches, marks handled and links several messages to one case', async () => {
    h.smsc.sendMo([
      { from: '13300000001', text: '解放路噪音扰民' },
      { from: '13300000002', text: '人民公园绿化带被破坏' },
      { from: '13300000001', text: '解放路噪音扰民，再次反映' },
    ]);
    await h.smsc.waitIdle();
    const all = await h.sms.inbox.list();
    expect(all.items.map((m) => m.sender)).to.deep.equal(['13300000001', '13300000002', '13300000001']);
    expect((await h.sms.inbox.list({ q: '解放路' })).total).to.equal(2);
    expect((await h.sms.inbox.list({ q: '100%' })).total).to.equal(0);
    const [newest, , oldest] = all.items;
    await h.sms.inbox.linkToCase(oldest!.id, 'case-1', 'dispatcher1');
    await h.sms.inbox.linkToCase(newest!.id, 'case-1', 'dispatcher1');
    expect((await h.sms.inbox.list({ caseId: 'case-1' })).total).to.equal(2);
    expect((await h.sms.inbox.list({ handled: false })).total).to.equal(1);
    const handled = await h.sms.inbox.markHandled(all.items[1]!.id, 'dispatcher2');
    expect(handled).to.include({ handled: true, handledBy: 'dispatcher2' });
    expect((await h.sms.inbox.list({ handled: false })).total).to.equal(0);
    expect(await h.sms.inbox.get(999_999)).to.equal(null);
    expect((await h.sms.inbox.list({ page: 2, pageSize: 2 })).items).to.have.length(1);
  });
});
