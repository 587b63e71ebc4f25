/**
 * `npm start`: reads the configuration, starts the platform and serves it. Stops cleanly on
 * SIGINT / SIGTERM (running jobs finish, the database closes).
 */
import { loadConfig, ConfigError } from './config.js';
import { startServer } from './server.js';
import { demoPassword, demoSeedAccounts } from './demo.js';

const log = (line: string) => console.log(`[paidan] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startServer(config, log);
  log(`${config.engine.kind} engine, database ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
  log(`listening on ${running.url}  (API ${running.url}/api, OpenAPI ${running.url}/api/openapi.json)`);
  if (config.seedDemo) {
    log(`demo sign-in: password "${demoPassword}" for ${demoSeedAccounts().slice(0, 5).map((a) => `${a.username} (${a.role})`).join(', ')}, and the units' leads and officers`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(`[paidan] configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
