/**
 * Everything `npm start` runs, as one function a test can call: the SMSC simulator (when no
 * operator SMSC is configured), the platform, identity and audit, demo data, the SMS gateway
 * and the HTTP server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { createPlatform, type Platform } from './platform.js';
import { createFormOptions, createReassignTargets } from './form-options.js';
import { seedDemo } from './demo.js';
import { SmscSimulator } from '../../sms/index.js';
import { createWebhook } from '../../sms/webhook.js';
import { registerSmsRoutes } from '../../sms/routes.js';
import { registerUnitRoutes } from '../../units/routes.js';
import { registerEngineAdminRoutes } from '../../engine/routes.js';
import { registerPhotoRoutes } from '../../photos/routes.js';
import { createIdentity, registerIdentityRoutes } from '../../identity/index.js';
import { scheduleSessionPurge } from '../../identity/session-purge.js';
import { createAuditLog, registerAuditRoutes } from '../../audit/index.js';
import { registerModelerRoutes } from '../../web-modeler/routes.js';
import { createLawLibrary, registerLawRoutes, seedDemoLaws } from '../../laws/index.js';
import { webDist } from '../../web/server/build.js';
import { registerWebConfigRoutes, tileOrigin } from '../../web/server/config-routes.js';

export interface RunningServer {
  url: string;
  platform: Platform;
  identity: ReturnType<typeof createIdentity>;
  simulator: SmscSimulator | null;
  server: Server;
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: (line: string) => void = () => {}): Promise<RunningServer> {
  let simulator: SmscSimulator | null = null;
  if (config.sms.startSimulator) {
    simulator = new SmscSimulator({ port: config.sms.simulatorPort });
    try {
      const port = await simulator.listen();
      config = { ...config, sms: { ...config.sms, url: simulator.url(), simulatorPort: port } };
      log(`SMSC simulator on smpp://127.0.0.1:${port} (for typing citizens' SMS by hand, start \`npm run smsc\` first, then npm start)`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      // `npm run smsc` is already running on the port: use it, so a person can type SMS there
      simulator = null;
      config = { ...config, sms: { ...config.sms, url: `smpp://paidan:secret@127.0.0.1:${config.sms.simulatorPort}` } };
      log(`using the SMSC already listening on 127.0.0.1:${config.sms.simulatorPort} (npm run smsc)`);
    }
  }
  const platform = await createPlatform(config);
  const audit = createAuditLog({ dataSource: platform.dataSource });
  const identity = createIdentity({
    dataSource: platform.dataSource, audit, config: { auth: config.auth, dataDir: config.dataDir },
    unitExists: async (unitId) => (await platform.units.listUnits()).some((u) => u.id === unitId),
    // an officer or unit lead account made or changed on the users page is in its unit's lists at once
    directory: (change, tx) => platform.units.syncAccount(tx, change),
  });
  const laws = createLawLibrary({ dataSource: platform.dataSource, config: config.laws });
  if (config.seedDemo) {
    await seedDemoLaws(laws);
    const { accounts } = await seedDemo(platform, identity);
    if (accounts.length) log(`demo accounts created: ${accounts.join(', ')}`);
  }
  const webhook = config.sms.webhookUrl
    ? createWebhook({ url: config.sms.webhookUrl, secret: config.sms.webhookSecret, onError: (error, id) => log(`SMS webhook gave up on message ${id}: ${(error as Error).message}`) })
    : null;
  if (webhook) {
    platform.sms.on('message', (id: number) => {
      void platform.sms.inbox.get(id).then((message) => message && webhook.notify(message));
    });
  }
  // part files of uploads a killed process was receiving: nothing is uploading yet
  const swept = (await platform.photos.sweepPartFiles()) + (await laws.sweepPartFiles());
  if (swept) log(`removed ${swept} part file(s) of uploads cut off by the last stop`);
  platform.sms.start();
  const { app, idle } = createApp({
    platform,
    authenticate: identity.authenticate,
    audit,
    trustProxy: config.trustProxy,
    formOptions: createFormOptions({ people: identity.accounts as never, units: platform.units }),
    reassignTargets: createReassignTargets({ people: identity.accounts as never, units: platform.units }),
    extraRoutes: [
      (r) => registerIdentityRoutes(r, { identity }),
      (r) => registerAuditRoutes(r, { audit }),
      (r) => registerSmsRoutes(r, { dataSource: platform.dataSource, sms: platform.sms, cases: platform.cases }),
      (r) => registerUnitRoutes(r, { units: platform.units }),
      (r) => registerEngineAdminRoutes(r, { engine: platform.engine, archive: platform.archive }),
      (r) => registerPhotoRoutes(r, { dataSource: platform.dataSource, photos: platform.photos }),
      (r) => registerModelerRoutes(r, { engine: platform.engine, dataSource: platform.dataSource }),
      (r) => registerLawRoutes(r, { laws }),
      (r) => registerWebConfigRoutes(r, { map: config.map }),
    ],
    log: (error) => console.error(error),
    webRoot: webDist,
    webImageSources: [tileOrigin(config.map.tileUrl)].filter((origin): origin is string => Boolean(origin)),
  });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const sessionPurge = scheduleSessionPurge(identity.sessions, { log });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  return {
    url, platform, identity, simulator, server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // requests whose clients hung up may still be working: let them finish (up to 10 s)
      await idle(10_000);
      await sessionPurge.stop();
      await webhook?.stop();
      await platform.stop();
      await simulator?.close();
    },
  };
}
