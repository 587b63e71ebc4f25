/** Shared pieces of the SMS specs: a database, a simulator and a started SMS channel. */
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { createSms, type Sms, type SmsConfig } from './service.js';
import { SmscSimulator, type SimulatorOptions } from './simulator/smsc.js';
import type { Logger } from './gateway.js';

export const quietLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface Harness {
  db: TestDatabase;
  smsc: SmscSimulator;
  sms: Sms;
  close(): Promise<void>;
}

export async function startHarness(options: { simulator?: SimulatorOptions; config?: Partial<SmsConfig> } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const smsc = new SmscSimulator({ responseTimeoutMs: 2000, redeliveryDelayMs: 50, ...options.simulator });
  await smsc.listen();
  const sms = createSms({
    dataSource: db.dataSource,
    config: { url: smsc.url(), sourceAddr: '12319', enquireLinkMs: 500, responseTimeoutMs: 2000, reconnectInitialMs: 30, reconnectMaxMs: 200, sender: { pollMs: 50, retryBaseMs: 50, retryMaxMs: 200 }, ...options.config },
    logger: quietLogger,
  });
  sms.start();
  await sms.gateway.whenBound();
  return {
    db,
    smsc,
    sms,
    async close() {
      await sms.stop();
      await smsc.close();
      await db.drop();
    },
  };
}

/** Polls `check` until it returns a truthy value. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, message = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
