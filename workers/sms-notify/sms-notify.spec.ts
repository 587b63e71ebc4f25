// The sms-notify worker with no engine: runJob against a real outbox on a test database.
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { BatchWriter } from '../../sms/writer.js';
import { OutboxStore } from '../../sms/outbox-store.js';
import { runJob, type JobContext } from '../contract.js';
import { createSmsNotifyWorker, notificationText } from './index.js';

function job(key: string, template: string | undefined): JobContext {
  return {
    jobKey: key, type: 'sms-notify', processInstanceKey: 'pi-1', bpmnProcessId: 'enforcement-case', processVersion: 1,
    elementId: 'notifyResolved', headers: template === undefined ? {} : { template }, retries: 3,
  };
}

describe('sms-notify worker', () => {
  let db: TestDatabase;
  let outbox: OutboxStore;

  beforeEach(async () => {
    db = await createTestDatabase();
    outbox = new OutboxStore(db.dataSource, new BatchWriter(db.dataSource));
  });

  afterEach(async () => {
    await db.drop();
  });

  it('queues the received acknowledgement with the case number and sets acknowledged', async () => {
    const worker = createSmsNotifyWorker({ sms: outbox });
    const result = await runJob(worker, { reporterPhone: '+8613800138000', caseNumber: 'ZF-20261124-0001', caseId: 'c1' }, job('k1', 'received'));
    expect(result.kind).to.equal('complete');
    const variables = (result as { variables: Record<string, unknown> }).variables;
    expect(variables).to.include({ notified: true, acknowledged: true });
    const row = await outbox.get(variables.smsId as number);
    expect(row).to.include({ to: '13800138000', caseId: 'c1', state: 'queued', jobKey: 'sms-notify:k1' });
    expect(row!.text).to.equal('【城管执法】您反映的问题已受理，案件编号ZF-20261124-0001，我们将尽快处理。');
  });

  it('is idempotent by job key: a re-run queues nothing new', async () => {
    const worker = createSmsNotifyWorker({ sms: outbox });
    const vars = { reporterPhone: '13800138000', caseNumber: 'ZF-20261124-0002' };
    const a = await runJob(worker, vars, job('k2', 'resolved'));
    const b = await runJob(worker, vars, job('k2', 'resolved'));
    expect((a as { variables: Record<string, unknown> }).variables.smsId).to.equal((b as { variables: Record<string, unknown> }).variables.smsId);
    expect(await outbox.list()).to.have.length(1);
    expect((await outbox.list())[0]!.text).to.equal(notificationText('resolved', 'ZF-20261124-0002'));
  });

  it('completes with notified false when there is no phone or it is invalid', async () => {
    const worker = createSmsNotifyWorker({ sms: outbox });
    const none = await runJob(worker, { reporterPhone: null, caseNumber: 'ZF-1' }, job('k3', 'dismissed'));
    expect(none).to.deep.equal({ kind: 'complete', variables: { notified: false, reason: 'no reporter phone' } });
    const bad = await runJob(worker, { reporterPhone: '12345', caseNumber: 'ZF-1' }, job('k4', 'dismissed'));
    expect((bad as { variables: Record<string, unknown> }).variables.notified).to.equal(false);
    expect(await outbox.list()).to.have.length(0);
  });

  it('fails (to be retried) on a bad template header and on a database failure', async () => {
    const worker = createSmsNotifyWorker({ sms: outbox });
    const noTemplate = await runJob(worker, { reporterPhone: '13800138000', caseNumber: 'ZF-1' }, job('k5', undefined));
    expect(noTemplate).to.include({ kind: 'fail', permanent: false });
    await db.dataSource.destroy();
    const down = await runJob(worker, { reporterPhone: '13800138000', caseNumber: 'ZF-1' }, job('k6', 'resolved'));
    expect(down.kind).to.equal('fail');
    expect((down as { message: string }).message).to.match(/could not queue/);
    await db.dataSource.initialize();
  });

  it('refuses input without a case number', async () => {
    const worker = createSmsNotifyWorker({ sms: outbox });
    const result = await runJob(worker, { reporterPhone: '13800138000' }, job('k7', 'received'));
    expect(result).to.include({ kind: 'fail', permanent: true });
  });
});
