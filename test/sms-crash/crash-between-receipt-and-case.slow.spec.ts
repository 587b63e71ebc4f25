/**
 * A citizen's SMS acknowledged to the SMSC survives a crash of the platform (SIGKILL) before
 * anyone opened a case from it: after the restart it is in the inbox, and a case opens from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { seedCaseCategories } from '../support/categories.js';
import { SmscSimulator } from '../../sms/index.js';
import { createTestDatabaseUrl } from '../support/database.js';
import { loadConfig } from '../../api/src/config.js';
import { createPlatform } from '../../api/src/platform.js';
import { InboxEntity } from '../../sms/entities.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function startChild(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/sms-crash/child.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('bound')) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before binding: ${out}`)));
  });
}

describe('SMS crash safety: SIGKILL between receipt and case creation', function () {
  this.timeout(120_000);

  it('keeps every acknowledged message and opens a case from it after the restart', async () => {
    const db = await createTestDatabaseUrl();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-sms-crash-'));
    const smsc = new SmscSimulator();
    await smsc.listen();
    try {
      let child = await startChild([db.url, smsc.url(), dataDir]);
      const long = '城东区人民路与解放路交叉口西北角，每天傍晚都有十几个流动摊贩占道经营，油烟很大，垃圾乱扔，行人只能走机动车道，非常危险，请城管尽快处理。';
      smsc.sendMo([{ from: '13911112222', text: long }, { from: '13933334444', text: '建国路夜间施工噪音' }]);
      await smsc.waitIdle(); // every part acknowledged by the platform (deliver_sm_resp)
      expect(smsc.stats.acked).to.be.at.least(2);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      child = await startChild([db.url, smsc.url(), dataDir]); // restart: migrations, recovery, bind again
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      const platform = await createPlatform(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, SMPP_URL: smsc.url(), DATA_DIR: dataDir, SEED_DEMO: 'false' }));
      try {
        const inbox = await platform.dataSource.getRepository(InboxEntity).find({ order: { id: 'ASC' } });
        expect(inbox.map((m) => [m.sender, m.text])).to.deep.equal([['13911112222', long], ['13933334444', '建国路夜间施工噪音']]);
        await seedCaseCategories(platform.units);
        const created = await platform.cases.create({ source: 'sms', category: 'street-vending', description: inbox[0].text, address: '城东区人民路', reporterPhone: inbox[0].sender }, { username: 'dispatcher1' });
        expect(created.number).to.match(/^ZF-/);
      } finally {
        await platform.stop();
      }
    } finally {
      await smsc.close();
      await db.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
