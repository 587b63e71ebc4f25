/**
 * A stop waits for the requests still being handled: a client that hung up does not end its
 * request's work, and closing the database under it answered "Pool is closed" (seen at the end
 * of every MariaDB benchmark run).
 */
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createApp } from '../../api/src/app.js';
import { createFormOptions, createReassignTargets } from '../../api/src/form-options.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('API: stopping lets requests in flight finish', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  it('idle() resolves once a request whose client went away has finished its work', async () => {
    const events: string[] = [];
    const { app, idle } = createApp({
      platform: server.platform, authenticate: server.identity.authenticate,
      formOptions: createFormOptions({ people: server.identity.accounts as never, units: server.platform.units }),
      reassignTargets: createReassignTargets({ people: server.identity.accounts as never, units: server.platform.units }),
      extraRoutes: [(r) => r.add({
        method: 'get', path: '/slow', summary: 'test', tags: ['test'], access: 'public', responses: { 200: { description: 'ok' } },
        async handler(ctx) {
          await new Promise((resolve) => setTimeout(resolve, 400));
          await server.platform.dataSource.query('SELECT 1 AS one');
          events.push('handler done');
          ctx.body = { ok: true };
        },
      })],
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    const abort = new AbortController();
    const request = fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/api/slow`, { signal: abort.signal }).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    abort.abort();
    await request;
    await new Promise<void>((resolve) => listening.close(() => resolve()));
    listening.closeAllConnections();
    expect(events).to.deep.equal([]); // the client is gone and the server closed, the work goes on
    await idle(5_000);
    events.push('idle');
    expect(events).to.deep.equal(['handler done', 'idle']);
    // with nothing in flight, idle() answers at once
    const start = Date.now();
    await idle(5_000);
    expect(Date.now() - start).to.be.below(50);
  });
});
