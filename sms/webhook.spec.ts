import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createWebhook, signature } from './webhook.js';
import type { InboxMessage } from './inbox-store.js';

const message = (id: number): InboxMessage => ({
  id, sender: '13800138000', recipient: '12319', text: '路灯不亮了，请处理', receivedAt: new Date('2026-11-24T08:00:00Z'), smscMessageId: null,
  dataCoding: 8, partsCount: 1, duplicates: 0, decodeError: null, handled: false, handledAt: null, handledBy: null, caseId: null,
});

describe('SMS webhook for other city systems', () => {
  it('POSTs each new message, signed, and retries after a server error', async () => {
    const received: { body: string; sig: string | undefined }[] = [];
    let failures = 1;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failures-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push({ body, sig: req.headers['x-paidan-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const errors: unknown[] = [];
    const webhook = createWebhook({ url, secret: 's3cret', initialBackoffMs: 20, onError: (e) => errors.push(e) });
    webhook.notify(message(7));
    await webhook.idle();
    await webhook.stop();
    server.close();
    expect(errors).to.deep.equal([]);
    expect(received).to.have.length(1);
    const payload = JSON.parse(received[0].body);
    expect(payload).to.include({ event: 'sms.received', id: 7, sender: '13800138000', text: '路灯不亮了，请处理' });
    expect(received[0].sig).to.equal(signature(received[0].body, 's3cret'));
  });

  it('gives up on a 4xx answer at once and reports it', async () => {
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls += 1;
      res.writeHead(400).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const errors: unknown[] = [];
    const webhook = createWebhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, initialBackoffMs: 10, onError: (e) => errors.push(e) });
    webhook.notify(message(8));
    await webhook.stop();
    server.close();
    expect(calls).to.equal(1);
    expect(String(errors[0])).to.match(/HTTP 400/);
  });
});
