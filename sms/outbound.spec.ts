// Messages to citizens over real TCP: outbox → submit_sm → simulator, receipts, retries, bind failures.
import { expect } from 'chai';
import smpp from 'smpp';
import { createSms, InvalidPhoneError } from './index.js';
import { startHarness, eventually, quietLogger, type Harness } from './test-support.js';

describe('sms outbound over SMPP', function () {
  this.timeout(30_000);
  let h: Harness;

  afterEach(async () => {
    await h?.close();
  });

  it('sends an acknowledgement in UCS-2 and marks it delivered from the receipt', async () => {
    h = await startHarness();
    const text = '【城管执法】您反映的问题已受理，案件编号ZF-20261124-0001，我们将尽快处理。';
    const queued = await h.sms.enqueue({ to: '+86 138 0013 8000', text, caseId: 'case-1' });
    expect(queued).to.include({ to: '13800138000', state: 'queued', partsCount: 1, dataCoding: 8 });
    await eventually(() => h.smsc.mt.length === 1, 5000, 'the MT message');
    expect(h.smsc.mt[0]).to.include({ to: '13800138000', from: '12319', text, parts: 1 });
    const delivered = await eventually(async () => {
      const row = await h.sms.outbox.get(queued.id);
      return row?.state === 'delivered' ? row : null;
    }, 5000, 'the delivery receipt');
    expect(delivered.smscMessageId).to.equal(h.smsc.mt[0]!.messageIds[0]);
    expect(delivered.deliveredAt).to.be.instanceOf(Date);
  });

  it('segments a long Chinese result message and a long GSM one, and the SMSC reassembles them', async () => {
    h = await startHarness();
    const zh = `【城管执法】您反映的问题已处理完毕：${'执法队员已到现场依法处理，'.repeat(12)}感谢您的监督。😀`;
    const gsm = `Case ZF-1 resolved. ${'Details {ok} '.repeat(20)}`;
    const a = await h.sms.enqueue({ to: '13800138001', text: zh });
    const b = await h.sms.enqueue({ to: '13800138002', text: gsm });
    expect(a.partsCount).to.be.greaterThan(2);
    expect(b.dataCoding).to.equal(0);
    await eventually(() => h.smsc.mt.length === 2, 5000, 'both MT messages');
    const byTo = new Map(h.smsc.mt.map((m) => [m.to, m]));
    expect(byTo.get('13800138001')!.text).to.equal(zh);
    expect(byTo.get('13800138001')!.parts).to.equal(a.partsCount);
    expect(byTo.get('13800138002')!.text).to.equal(gsm);
    await eventually(async () => (await h.sms.outbox.get(a.id))?.state === 'delivered', 5000, 'every part delivered');
  });

  it('is idempotent by job key and refuses invalid numbers and empty text', async () => {
    h = await startHarness();
    const first = await h.sms.enqueue({ to: '13800138000', text: '一次', jobKey: 'job-1' });
    const second = await h.sms.enqueue({ to: '13800138000', text: '一次', jobKey: 'job-1' });
    expect(second.id).to.equal(first.id);
    let thrown: unknown;
    try {
      await h.sms.enqueue({ to: '12345', text: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InvalidPhoneError);
    expect((thrown as InvalidPhoneError).code).to.equal('sms.phone_invalid');
    try {
      await h.sms.enqueue({ to: '13800138000', text: '  ' });
      expect.fail('empty text accepted');
    } catch (error) {
      expect((error as Error).message).to.match(/empty/);
    }
    await eventually(() => h.smsc.mt.length === 1);
  });

  it('keeps messages queued while the SMSC is down and sends them all once it is back', async () => {
    h = await startHarness();
    const port = h.smsc.port;
    await h.smsc.close();
    await eventually(() => !h.sms.gateway.isBound);
    const ids = [];
    for (let i = 0; i < 5; i += 1) ids.push((await h.sms.enqueue({ to: `1380013800${i}`, text: `结果通知${i}` })).id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const id of ids) expect((await h.sms.outbox.get(id))!.state).to.equal('queued');
    await h.smsc.listen(port);
    await eventually(() => h.smsc.mt.length === 5, 10_000, 'the queue drained');
    expect(h.smsc.mt.map((m) => m.text).sort()).to.deep.equal(ids.map((_, i) => `结果通知${i}`));
  });

  it('retries a throttled submit with backoff and fails a permanently refused one', async () => {
    let throttles = 2;
    h = await startHarness({
      simulator: {
        submitStatus: (to) => {
          if (to === '13800000001' && throttles > 0) {
            throttles -= 1;
            return smpp.errors.ESME_RTHROTTLED!;
          }
          return to === '13800000002' ? smpp.errors.ESME_RINVDSTADR! : 0;
        },
      },
    });
    const retried = await h.sms.enqueue({ to: '13800000001', text: 'retry me' });
    const refused = await h.sms.enqueue({ to: '13800000002', text: 'refuse me' });
    await eventually(async () => (await h.sms.outbox.get(retried.id))?.state === 'delivered', 10_000, 'the retried message delivered');
    const row = await eventually(async () => {
      const r = await h.sms.outbox.get(refused.id);
      return r?.state === 'failed' ? r : null;
    });
    expect(row.error).to.match(/0xb/);
    expect((await h.sms.outbox.get(retried.id))!.attempts).to.equal(3);
  });

  it('marks a message failed from an UNDELIV receipt', async () => {
    h = await startHarness({ simulator: { receiptStat: () => 'UNDELIV' } });
    const m = await h.sms.enqueue({ to: '13800138000', text: 'x' });
    const row = await eventually(async () => {
      const r = await h.sms.outbox.get(m.id);
      return r?.state === 'failed' ? r : null;
    });
    expect(row.error).to.match(/UNDELIV/);
  });

  it('survives a bind with wrong credentials (ESME_RBINDFAIL) and keeps retrying', async () => {
    h = await startHarness();
    const refused: number[] = [];
    const wrong = createSms({
      dataSource: h.db.dataSource,
      config: { url: h.smsc.url('paidan', 'wrong'), reconnectInitialMs: 20, reconnectMaxMs: 50 },
      logger: quietLogger,
    });
    wrong.gateway.on('bindFailed', (status: number) => refused.push(status));
    wrong.start();
    await eventually(() => refused.length >= 2, 5000, 'two refused binds');
    await wrong.stop();
    expect(refused[0]).to.equal(smpp.errors.ESME_RBINDFAIL);
    expect(h.smsc.stats.bindFailures).to.be.greaterThan(1);
    // The good session is unaffected.
    h.smsc.sendMo({ from: '13800138000', text: '仍然可以接收' });
    await h.smsc.waitIdle();
    expect((await h.sms.inbox.list()).total).to.equal(1);
  });

  it('keeps an acknowledged message across a restart of the platform', async () => {
    h = await startHarness();
    h.smsc.sendMo({ from: '13800138000', text: '重启前收到的投诉' });
    await h.smsc.waitIdle();
    await h.sms.stop();
    await h.db.dataSource.destroy();
    await h.db.dataSource.initialize();
    const again = createSms({ dataSource: h.db.dataSource, config: { url: h.smsc.url() }, logger: quietLogger });
    h.sms = again;
    again.start();
    await again.gateway.whenBound();
    expect((await again.inbox.list()).items.map((m) => m.text)).to.deep.equal(['重启前收到的投诉']);
  });
});
