/**
 * The SMS crash test's victim: the platform with its SMPP gateway bound to the parent's SMSC
 * simulator. Prints "bound" once bound; the parent kills it with SIGKILL.
 *   node --import tsx test/sms-crash/child.ts <databaseUrl> <smppUrl> <dataDir>
 */
import { loadConfig } from '../../api/src/config.js';
import { createPlatform } from '../../api/src/platform.js';

const [databaseUrl, smppUrl, dataDir] = process.argv.slice(2);
const platform = await createPlatform(loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, SMPP_URL: smppUrl, DATA_DIR: dataDir, SEED_DEMO: 'false' }));
platform.sms.on('bound', () => process.stdout.write('bound\n'));
platform.sms.start();
setInterval(() => undefined, 1000);
