/**
 * The SMS channel assembled: database stores, the SMPP gateway, the inbound pipeline
 * (deliver_sm → classify → commit → status for deliver_sm_resp), the outbox sender and the
 * reassembly-timeout reporter. The composition root builds it with `createSms`.
 */
import { EventEmitter } from 'node:events';
import type { DataSource } from 'typeorm';
import smpp from 'smpp';
import { BatchWriter } from './writer.js';
import { InboxStore, type IncompleteGroup, type StoreOutcome } from './inbox-store.js';
import { OutboxStore, type EnqueueInput, type OutboxMessage } from './outbox-store.js';
import { SmppGateway, silentLogger, type GatewayConfig, type Logger } from './gateway.js';
import { OutboxSender, type SenderConfig } from './sender.js';
import { classifyDeliver } from './inbound.js';
import type { MessageFields } from './smpp/message.js';

export interface SmsConfig extends GatewayConfig {
  /** data_coding 0 arrives packed rather than one septet per byte (default false). */
  gsmPacked?: boolean;
  /** Report multipart messages still incomplete after this long (default 10 min); parts are kept. */
  reassemblyTimeoutMs?: number;
  /** Same sender + same text within this window counts as a redelivery (default 1 h). */
  dedupWindowMs?: number;
  sender?: SenderConfig;
}

export interface Sms extends EventEmitter {
  readonly inbox: InboxStore;
  readonly outbox: OutboxStore;
  readonly gateway: SmppGateway;
  /** Group-commit counters: transactions and the operations they carried. */
  readonly writeStats: { transactions: number; operations: number };
  /** Queues a message to a citizen (idempotent by jobKey) and wakes the sender. */
  enqueue(input: EnqueueInput): Promise<OutboxMessage>;
  start(): void;
  stop(): Promise<void>;
  /** Reports incomplete multipart messages older than the timeout (also runs on a timer). */
  reportIncomplete(): Promise<IncompleteGroup[]>;
}

/**
 * Events: 'message' (inboxId) when a new inbox message is committed, 'receipt' (outboxId),
 * 'incomplete' (IncompleteGroup[]), 'refused' (reason), plus the gateway's 'bound' / 'unbound'.
 */
export function createSms(options: { dataSource: DataSource; config: SmsConfig; logger?: Logger }): Sms {
  const { dataSource, config } = options;
  const logger = options.logger ?? silentLogger;
  const writer = new BatchWriter(dataSource);
  const inbox = new InboxStore(dataSource, writer, { dedupWindowMs: config.dedupWindowMs });
  const outbox = new OutboxStore(dataSource, writer);
  const events = new EventEmitter();
  const reassemblyTimeoutMs = config.reassemblyTimeoutMs ?? 600_000;

  async function onDeliver(fields: MessageFields): Promise<number> {
    const item = classifyDeliver(fields, { gsmPacked: config.gsmPacked });
    switch (item.kind) {
      case 'refused':
        logger.warn('deliver_sm refused', { reason: item.reason, status: item.status });
        events.emit('refused', item.reason);
        return item.status;
      case 'receipt': {
        const outboxId = await outbox.applyReceipt(item);
        if (outboxId === null) logger.warn('delivery receipt for an unknown message id', { messageId: item.messageId, stat: item.stat });
        else events.emit('receipt', outboxId, item.outcome);
        return 0;
      }
      case 'message':
      case 'part': {
        const outcome: StoreOutcome = item.kind === 'message' ? await inbox.storeMessage(item) : await inbox.storePart(item);
        if (outcome.result === 'stored' || outcome.result === 'assembled') events.emit('message', outcome.inboxId);
        if (outcome.result === 'duplicate') events.emit('duplicate', outcome.inboxId);
        return 0;
      }
    }
  }

  const gateway = new SmppGateway(config, onDeliver, logger);
  const sender = new OutboxSender(outbox, gateway, { concurrency: config.windowSize ?? 10, ...config.sender }, logger);
  gateway.on('bound', () => events.emit('bound'));
  gateway.on('unbound', () => events.emit('unbound'));
  let reporter: NodeJS.Timeout | null = null;

  async function reportIncomplete(): Promise<IncompleteGroup[]> {
    const groups = await inbox.incompleteGroups(reassemblyTimeoutMs, true);
    for (const group of groups) {
      logger.warn('multipart SMS incomplete after timeout (parts kept)', { sender: group.sender, reference: group.reference, total: group.total, received: group.received });
    }
    if (groups.length) events.emit('incomplete', groups);
    return groups;
  }

  return Object.assign(events, {
    inbox,
    outbox,
    gateway,
    writeStats: writer.stats,
    async enqueue(input: EnqueueInput) {
      const message = await outbox.enqueue(input);
      sender.kick();
      return message;
    },
    start() {
      gateway.start();
      sender.start();
      reporter = setInterval(() => {
        reportIncomplete().catch((error: Error) => logger.error('incomplete-SMS report failed', { error: error.message }));
      }, Math.max(1000, Math.min(60_000, Math.floor(reassemblyTimeoutMs / 2))));
      reporter.unref();
    },
    async stop() {
      if (reporter) clearInterval(reporter);
      reporter = null;
      await sender.stop();
      await gateway.stop();
      await writer.idle();
    },
    reportIncomplete,
  }) as Sms;
}

export const smppStatus = smpp.errors;
