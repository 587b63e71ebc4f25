/**
 * The crash test's victim: builds the platform on the given database, creates the cases that
 * do not exist yet, and works every open task as scripted until all cases have ended. The
 * parent kills it with SIGKILL at random moments and starts it again.
 *   node --import tsx test/durability/child.ts <databaseUrl> <cases>
 */
import os from 'node:os';
import { loadConfig } from '../../api/src/config.js';
import { createPlatform } from '../../api/src/platform.js';
import { seedCaseCategories } from '../support/categories.js';
import { CaseEntity } from '../../cases/entities.js';
import { completeAsScripted } from '../support/case-driver.js';
import { scriptForCase } from './scripts.js';

const [databaseUrl, casesArg] = process.argv.slice(2);
const total = Number(casesArg);

const main = async () => {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: os.tmpdir(), SEED_DEMO: 'false', ENGINE_POLL_MS: '50' });
  const platform = await createPlatform(config);
  await seedCaseCategories(platform.units);
  process.stdout.write('ready\n');
  const cases = platform.dataSource.getRepository(CaseEntity);
  for (let n = await cases.count(); n < total; n = await cases.count()) {
    await platform.cases.create({ source: 'patrol', category: 'street-vending', description: `巡查发现占道经营 #${n}`, address: '城东区解放路', location: { lng: 120.2, lat: 30.27 }, reporterPhone: '13800138000' }, { username: 'dispatcher1' });
  }
  for (;;) {
    await platform.engine.idle();
    const open = await platform.engine.listUserTasks({ state: 'created' });
    if (open.length === 0) {
      if ((await cases.count({ where: { status: 'open' } })) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    for (const task of open) {
      const row = await cases.findOneOrFail({ where: { processInstanceKey: task.processInstanceKey } });
      await completeAsScripted(platform.engine, task, scriptForCase(row.description));
    }
  }
  await platform.stop();
  process.stdout.write('done\n');
};

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
